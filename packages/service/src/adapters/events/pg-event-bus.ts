import { randomUUID } from 'node:crypto';
import { type QueryExecutorProvider, sql } from 'kysely';
import pg from 'pg';
import type { EventBus, OrderEvent, OrderState } from '../../domain/index.js';
import { InProcessEventBus } from './in-process-event-bus.js';

export interface PgEventBusOptions {
  /** Where the dedicated LISTEN connection goes (the service's `DATABASE_URL`). */
  connectionString: string;
  /** Publishes through the service's own pool: NOTIFY needs no connection of its own. */
  db: QueryExecutorProvider;
  /** Instances that should see each other's events share a channel. */
  channel?: string;
  /** Tags this instance's notifications so it can drop their echo; random by default. */
  instanceId?: string;
  /** First reconnect delay after the listener connection drops; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A failed NOTIFY, a dropped listener or an unreadable payload; events are best-effort, never fatal. */
  onError?: (error: unknown) => void;
  /**
   * The longest `close()` waits for NOTIFYs under way and for the listener to say goodbye (default
   * 2 s): a PostgreSQL that stopped answering must not hold up the shutdown of the service.
   */
  closeTimeoutMs?: number;
}

interface WirePayload {
  orderNo: string;
  state: OrderState;
  at: string;
  source: string;
}

/**
 * Order events across service instances sharing one PostgreSQL database, so a browser watching
 * instance A sees the payment that WeChat notified to instance B.
 *
 * An event is handed to this instance's subscribers at once on `publish` (no database round trip in
 * the local path) and also sent with `pg_notify`, tagged with the instance id; the LISTEN connection
 * drops notifications carrying its own id, so every subscriber sees each event exactly once. Local
 * delivery also keeps working while the database is unreachable.
 *
 * Delivery across instances is best-effort, like NOTIFY itself: events sent while the listener is
 * reconnecting are lost to this instance. The SSE stream reads the order's state when it opens, and
 * a browser that reconnects reads it again, so a missed event delays a page and never corrupts data.
 */
export class PgEventBus implements EventBus {
  readonly #local = new InProcessEventBus();
  readonly #options: Required<Omit<PgEventBusOptions, 'db' | 'connectionString'>>;
  readonly #connectionString: string;
  readonly #db: QueryExecutorProvider;
  #listener: pg.Client | undefined;
  /** A listener still connecting (start-up or reconnect), so that `close()` can end it too. */
  #connecting: pg.Client | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelay: number;
  #closed = false;
  /**
   * NOTIFYs leave one batch after another, so other instances see an order's states in the order
   * they happened. Events published while a batch is on its way wait in `#pending` and leave
   * together as the next one: under load one round trip (and one pool connection) carries many
   * events, instead of each event waiting its turn for both.
   */
  #sending: Promise<void> = Promise.resolve();
  #pending: string[] = [];

  constructor(options: PgEventBusOptions) {
    this.#connectionString = options.connectionString;
    this.#db = options.db;
    this.#options = {
      channel: options.channel ?? 'order_events',
      instanceId: options.instanceId ?? randomUUID(),
      reconnectDelayMs: options.reconnectDelayMs ?? 100,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 5_000,
      onError: options.onError ?? (() => {}),
      closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
    };
    this.#reconnectDelay = this.#options.reconnectDelayMs;
  }

  get instanceId(): string {
    return this.#options.instanceId;
  }

  /** Whether the LISTEN connection is up right now (for health checks and tests). */
  get listening(): boolean {
    return this.#listener !== undefined;
  }

  /** Opens the LISTEN connection; rejects if the database cannot be reached at start-up. */
  async start(): Promise<void> {
    await this.#listen();
  }

  publish(event: OrderEvent): void {
    this.#local.publish(event);
    if (this.#closed) return;
    const payload: WirePayload = {
      orderNo: event.orderNo,
      state: event.state,
      at: event.at.toISOString(),
      source: this.#options.instanceId,
    };
    this.#pending.push(JSON.stringify(payload));
    if (this.#pending.length > 1) return; // the batch already waiting takes it
    this.#sending = this.#sending.then(() => this.#sendPending());
  }

  /**
   * One statement for every event waiting: `unnest … with ordinality` hands them to `pg_notify` in
   * the order they were published, and PostgreSQL delivers one transaction's notifications in the
   * order they were sent.
   */
  async #sendPending(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    const channel = this.#options.channel;
    const statement =
      batch.length === 1
        ? sql`select pg_notify(${channel}, ${batch[0]})`
        : sql`select pg_notify(${channel}, p.payload) from unnest(${batch}::text[]) with ordinality as p(payload, n)`;
    await statement.execute(this.#db).then(
      () => {},
      (error: unknown) => this.#options.onError(error),
    );
  }

  subscribeAll(listener: (event: OrderEvent) => void): () => void {
    return this.#local.subscribeAll(listener);
  }

  subscribe(orderNo: string, listener: (event: OrderEvent) => void): () => void {
    return this.#local.subscribe(orderNo, listener);
  }

  /**
   * Stops listening and releases the connection; waits for NOTIFYs already under way, but never
   * longer than `closeTimeoutMs`: then they are dropped, reported, and the listener socket destroyed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    const clients = [this.#listener, this.#connecting].filter((c): c is pg.Client => c !== undefined);
    this.#listener = undefined;
    this.#connecting = undefined;
    const finished = (async () => {
      await this.#sending;
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#options.closeTimeoutMs);
    });
    const inTime = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (!inTime) {
      this.#options.onError(
        new Error(
          `event bus close gave up after ${this.#options.closeTimeoutMs} ms: PostgreSQL did not answer`,
        ),
      );
      for (const client of clients) socketOf(client)?.destroy();
    }
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#connectionString,
      application_name: `wechatpay-kit-events:${this.#options.instanceId}`,
    });
    client.on('notification', (message) => {
      if (message.channel === this.#options.channel) this.#receive(message.payload);
    });
    client.on('error', (error) => {
      this.#options.onError(error);
      this.#dropped(client);
    });
    client.on('end', () => this.#dropped(client));
    this.#connecting = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.#options.channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    } finally {
      if (this.#connecting === client) this.#connecting = undefined;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#listener = client;
    this.#reconnectDelay = this.#options.reconnectDelayMs;
  }

  #dropped(client: pg.Client): void {
    if (this.#listener !== client) return;
    this.#listener = undefined;
    client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(delay * 2, this.#options.maxReconnectDelayMs);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#listen().catch((error: unknown) => {
        if (this.#closed) return;
        this.#options.onError(error);
        this.#scheduleReconnect();
      });
    }, delay);
    this.#reconnectTimer.unref();
  }

  #receive(raw: string | undefined): void {
    let payload: Partial<WirePayload>;
    try {
      payload = JSON.parse(raw ?? '') as Partial<WirePayload>;
    } catch (error) {
      this.#options.onError(error);
      return;
    }
    if (payload.source === this.#options.instanceId) return;
    const at = new Date(payload.at ?? Number.NaN);
    if (
      typeof payload.orderNo !== 'string' ||
      typeof payload.state !== 'string' ||
      Number.isNaN(at.getTime())
    ) {
      this.#options.onError(new Error(`malformed order event on channel ${this.#options.channel}`));
      return;
    }
    this.#local.publish({ orderNo: payload.orderNo, state: payload.state, at });
  }
}

/** pg keeps the socket on its (undocumented but long-stable) `connection.stream`. */
function socketOf(client: pg.Client): { destroy(): void } | undefined {
  return (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
