import type { Compilable, CompiledQuery } from 'kysely';

/**
 * Kysely builds and compiles a query each time it runs, and on the hot paths that costs more than
 * SQLite takes to run the statement. A hot statement has a fixed shape (the same SQL text for the
 * same `key`), so it is compiled once and re-run with new parameters.
 *
 * The caller passes the parameters in the order the SQL uses them, derived from the very objects it
 * hands the builder (`Object.values` of a row, then the WHERE values). A compiled shape is kept only
 * when its own parameters equal the ones given, so a mistaken order shows up as a cache that never
 * fills, not as a wrong statement. The SQL is the dialect's, so a cache belongs to one database
 * handle: keep one per repository instance, never one per module.
 */
export class CompiledQueryCache {
  readonly #compiled = new Map<string, CompiledQuery>();

  query<R>(key: string, parameters: readonly unknown[], build: () => Compilable<R>): CompiledQuery<R> {
    const cached = this.#compiled.get(key) as CompiledQuery<R> | undefined;
    if (cached) return { ...cached, parameters };
    const compiled = build().compile();
    if (sameValues(compiled.parameters, parameters)) this.#compiled.set(key, compiled);
    return compiled;
  }
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
