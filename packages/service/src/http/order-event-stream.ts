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

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for one order at a time. Subscribes before reading the current state, so a
 * payment landing between the two is never missed; heartbeats keep proxies from closing an idle
 * stream; `closeAll` ends every stream on shutdown so the server can stop.
 */
export class OrderEventStreams {
  readonly #events: EventBus;
  /** Each open stream's `end`; given a reconnect delay, it first tells the browser to come back. */
  readonly #open = new Set<(reconnectMs?: number) => void>();

  constructor(events: EventBus) {
    this.#events = events;
  }

  get openCount(): number {
    return this.#open.size;
  }

  /**
   * Streams `orderNo` to `res` (already taken over from the framework); `load` reads the order's
   * current state once subscribed. Never throws: the caller has checked the order exists.
   */
  async stream(orderNo: string, res: ServerResponse, load: () => Promise<Order>): Promise<void> {
    let ended = false;
    const pending: OrderEvent[] = [];
    let ready = false;
    const end = (reconnectMs?: number) => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(heartbeat);
      this.#open.delete(end);
      if (reconnectMs !== undefined && res.headersSent) res.write(reconnectHint(reconnectMs));
      res.end();
    };
    let final = FINAL_FOR_CHECKOUT;
    const send = (event: OrderEvent) => {
      if (ended) return;
      res.write(`event: state\ndata: ${JSON.stringify({ orderNo, state: event.state, at: event.at })}\n\n`);
      if (final.has(event.state)) end();
    };
    const unsubscribe = this.#events.subscribe(orderNo, (event) =>
      ready ? send(event) : pending.push(event),
    );
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.#open.add(end);
    res.on('close', () => end());

    let order: Order;
    try {
      order = await load();
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      end();
      return;
    }
    if (order.payType === 'MICROPAY') final = FINAL_FOR_TILL;
    openEventStream(res);
    send({ orderNo, state: order.state, at: new Date() });
    ready = true;
    for (const event of pending.splice(0)) send(event);
  }

  /**
   * Every order's state changes, for the back office's lists and drawer: no current state first
   * (the page has just loaded it) and no end — the page closes it, or shutdown does.
   */
  streamAll(res: ServerResponse): void {
    let ended = false;
    const end = (reconnectMs?: number) => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(heartbeat);
      this.#open.delete(end);
      if (reconnectMs !== undefined && res.headersSent) res.write(reconnectHint(reconnectMs));
      res.end();
    };
    openEventStream(res);
    const unsubscribe = this.#events.subscribeAll((event) => {
      if (!ended) res.write(`event: state\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.#open.add(end);
    res.on('close', () => end());
  }

  /**
   * Ends every open stream (graceful shutdown). With `reconnectMs`, each stream first gets an SSE
   * `retry:` field of that many ms and a comment saying why: an EventSource whose stream the server
   * ends reconnects by itself after its retry delay, and through the load balancer that lands on an
   * instance still running, which sends the order's current state first — nothing is missed.
   */
  closeAll(reconnectMs?: number): void {
    for (const end of [...this.#open]) end(reconnectMs);
  }
}

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
