import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One keyed set of records inside the store. Mutating a record in place must be followed by `touch()`. */
export class Collection<T> {
  readonly #items = new Map<string, T>();
  readonly #keyOf: (item: T) => string;
  readonly #onChange: () => void;

  constructor(keyOf: (item: T) => string, onChange: () => void) {
    this.#keyOf = keyOf;
    this.#onChange = onChange;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  set(item: T): T {
    this.#items.set(this.#keyOf(item), item);
    this.#onChange();
    return item;
  }

  delete(key: string): boolean {
    const deleted = this.#items.delete(key);
    if (deleted) this.#onChange();
    return deleted;
  }

  /** Records a change made to an item in place. */
  touch(): void {
    this.#onChange();
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  get size(): number {
    return this.#items.size;
  }

  /** @internal */
  load(items: T[]): void {
    this.#items.clear();
    for (const item of items) this.#items.set(this.#keyOf(item), item);
  }

  /** @internal */
  dump(): T[] {
    return [...this.#items.values()];
  }
}

/**
 * The simulator's state: named collections kept in memory and written to one JSON file in the data
 * folder (atomically, debounced) so a demo survives a restart. Without a file it is memory only, which
 * is what tests use. A simulator is a development tool: a JSON document is plenty and needs no driver.
 */
export class StateStore {
  readonly #file: string | undefined;
  readonly #collections = new Map<string, Collection<unknown>>();
  readonly #meta: Record<string, unknown> = {};
  /** Saved collections nobody has registered yet: routes register theirs after {@link load}. */
  readonly #unclaimed = new Map<string, unknown[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(file?: string) {
    this.#file = file;
  }

  /** Registers (or returns) a collection; one registered after {@link load} gets its saved items then. */
  collection<T>(name: string, keyOf: (item: T) => string): Collection<T> {
    let collection = this.#collections.get(name) as Collection<T> | undefined;
    if (!collection) {
      collection = new Collection<T>(keyOf, () => this.#scheduleSave());
      this.#collections.set(name, collection as Collection<unknown>);
      const saved = this.#unclaimed.get(name);
      if (saved) {
        collection.load(saved as T[]);
        this.#unclaimed.delete(name);
      }
    }
    return collection;
  }

  getMeta<T>(name: string): T | undefined {
    return this.#meta[name] as T | undefined;
  }

  setMeta(name: string, value: unknown): void {
    this.#meta[name] = value;
    this.#scheduleSave();
  }

  /** Reads the saved document, if any. */
  load(): void {
    if (!this.#file) return;
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const saved = JSON.parse(text) as {
      meta?: Record<string, unknown>;
      collections?: Record<string, unknown[]>;
    };
    Object.assign(this.#meta, saved.meta ?? {});
    for (const [name, items] of Object.entries(saved.collections ?? {})) {
      const collection = this.#collections.get(name);
      if (collection) collection.load(items);
      else this.#unclaimed.set(name, items);
    }
  }

  /** Writes now (used at shutdown). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#file) return;
    const collections: Record<string, unknown[]> = {};
    for (const [name, items] of this.#unclaimed) collections[name] = items;
    for (const [name, collection] of this.#collections) collections[name] = collection.dump();
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ meta: this.#meta, collections }), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  #scheduleSave(): void {
    if (!this.#file || this.#timer) return;
    // At most one write a second: the whole document is rewritten, so bursts of changes must share it.
    this.#timer = setTimeout(() => this.flush(), 1000);
    this.#timer.unref();
  }
}
