import type { ServerResponse } from 'node:http';
import type { EventBus, Order, OrderEvent, OrderState } from '../domain/index.js';

/** After these the checkout has nothing more to wait for, so the stream ends. */
const FINAL_FOR_CHECKOUT: ReadonlySet<OrderState> = new Set([
  'PAID',
  'CLOSED',
  'REFUNDING',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'REVERSED',
]);

/** A payment code is spent once: its PAYERROR is final too (a checkout's may still be paid). */
const FINAL_FOR_TILL: ReadonlySet<OrderState> = new Set([...FINAL_FOR_CHECKOUT, 'PAYERROR']);

/** Proxies close a connection idle for 60 s (nginx's `proxy_read_timeout`): well inside that. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT = ': heartbeat\n\n';

/** Streams written per turn of the event loop on a heartbeat: thousands at once would stall it. */
const HEARTBEAT_BATCH = 100;

export interface OrderEventStreamsOptions {
  /** How often every open stream gets a comment line (15 s); shorter only in tests. */
  heartbeatMs?: number;
  /** Streams written per turn of the event loop on a heartbeat (100); smaller only in tests. */
  heartbeatBatch?: number;
}

/**
 * Server-Sent Events for one order at a time. Subscribes before reading the current state, so a
 * payment landing between the two is never missed; heartbeats keep proxies from closing an idle
 * stream; `closeAll` ends every stream on shutdown so the server can stop.
 *
 * An instance holds thousands of open checkout pages, so a stream costs as little as it can: one
 * `OpenStream` and its bus subscription, no timer of its own. One heartbeat timer serves every
 * stream (started with the first, stopped with the last) and writes to them in batches, one batch
 * per turn of the event loop, so a payment arriving meanwhile waits for one batch, not for all;
 * one `close` listener, shared by all, finds its stream by the response.
 */
export class OrderEventStreams {
  readonly #events: EventBus;
  readonly #heartbeatMs: number;
  readonly #heartbeatBatch: number;
  readonly #open = new Map<ServerResponse, OpenStream>();
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #onClose: (this: ServerResponse) => void;
  readonly #removeStream = (res: ServerResponse) => this.#remove(res);

  constructor(events: EventBus, options: OrderEventStreamsOptions = {}) {
    this.#events = events;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#heartbeatBatch = Math.max(1, options.heartbeatBatch ?? HEARTBEAT_BATCH);
    const open = this.#open;
    this.#onClose = function onClose(this: ServerResponse) {
      open.get(this)?.end();
    };
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** Whether the shared heartbeat timer runs (it does exactly while a stream is open). */
  get heartbeatRunning(): boolean {
    return this.#heartbeat !== undefined;
  }

  /**
   * Streams `orderNo` to `res` (already taken over from the framework); `load` reads the order's
   * current state once subscribed. Never throws: the caller has checked the order exists.
   */
  async stream(orderNo: string, res: ServerResponse, load: () => Promise<Order>): Promise<void> {
    const stream = this.#add(res, FINAL_FOR_CHECKOUT);
    stream.unsubscribe = this.#events.subscribe(orderNo, (event) => stream.receive(event));
    let order: Order;
    try {
      order = await load();
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      stream.end();
      return;
    }
    if (stream.ended) return;
    if (order.payType === 'MICROPAY') stream.final = FINAL_FOR_TILL;
    openEventStream(res);
    stream.start({ orderNo, state: order.state, at: new Date() });
  }

  /**
   * Every order's state changes, for the back office's lists and drawer: no current state first
   * (the page has just loaded it) and no end — the page closes it, or shutdown does.
   */
  streamAll(res: ServerResponse): void {
    const stream = this.#add(res, undefined);
    openEventStream(res);
    stream.unsubscribe = this.#events.subscribeAll((event) => stream.receive(event));
    stream.start(undefined);
  }

  /**
   * Ends every open stream (graceful shutdown). With `reconnectMs`, each stream first gets an SSE
   * `retry:` field of that many ms and a comment saying why: an EventSource whose stream the server
   * ends reconnects by itself after its retry delay, and through the load balancer that lands on an
   * instance still running, which sends the order's current state first — nothing is missed.
   */
  closeAll(reconnectMs?: number): void {
    for (const stream of [...this.#open.values()]) stream.end(reconnectMs);
  }

  #add(res: ServerResponse, final: ReadonlySet<OrderState> | undefined): OpenStream {
    const stream = new OpenStream(res, final, this.#removeStream);
    this.#open.set(res, stream);
    res.on('close', this.#onClose);
    if (!this.#heartbeat) {
      this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    return stream;
  }

  #remove(res: ServerResponse): void {
    this.#open.delete(res);
    res.off('close', this.#onClose);
    if (this.#open.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  /**
   * Every stream open now, a batch per turn; one that ended meanwhile is skipped, and so is one
   * whose head is not sent yet (its order still loading).
   */
  #beat(): void {
    const due = [...this.#open.keys()];
    const batch = (from: number) => {
      const to = Math.min(due.length, from + this.#heartbeatBatch);
      for (let i = from; i < to; i++) {
        const res = due[i]!;
        if (res.headersSent && this.#open.has(res)) res.write(HEARTBEAT);
      }
      if (to < due.length) setImmediate(batch, to);
    };
    batch(0);
  }
}

/** One open stream: what it still needs to know, and events that came before its first line. */
class OpenStream {
  unsubscribe: () => void = noop;
  final: ReadonlySet<OrderState> | undefined;
  ended = false;
  #started = false;
  #early: OrderEvent[] | undefined;
  readonly #res: ServerResponse;
  readonly #removed: (res: ServerResponse) => void;

  constructor(
    res: ServerResponse,
    final: ReadonlySet<OrderState> | undefined,
    removed: (res: ServerResponse) => void,
  ) {
    this.#res = res;
    this.final = final;
    this.#removed = removed;
  }

  /** Sends `first` (the order's current state), then whatever arrived while it was being read. */
  start(first: OrderEvent | undefined): void {
    if (first) this.#send(first);
    this.#started = true;
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const event of early) this.#send(event);
  }

  receive(event: OrderEvent): void {
    if (this.#started) {
      this.#send(event);
      return;
    }
    this.#early ??= [];
    this.#early.push(event);
  }

  /** Given a reconnect delay, it first tells the browser to come back. */
  end(reconnectMs?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe();
    this.#removed(this.#res);
    if (reconnectMs !== undefined && this.#res.headersSent) this.#res.write(reconnectHint(reconnectMs));
    this.#res.end();
  }

  #send(event: OrderEvent): void {
    if (this.ended) return;
    const { orderNo, state, at } = event;
    this.#res.write(`event: state\ndata: ${JSON.stringify({ orderNo, state, at })}\n\n`);
    if (this.final?.has(state)) this.end();
  }
}

function noop(): void {}

/** The last block of a stream ended by shutdown: a retry delay for the browser, and a note for people. */
function reconnectHint(reconnectMs: number): string {
  return `: this instance is shutting down; reconnect\nretry: ${Math.max(0, Math.round(reconnectMs))}\n\n`;
}

/** The head of an event stream: no caching or proxy buffering, and a reconnect delay for browsers. */
function openEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');
}
