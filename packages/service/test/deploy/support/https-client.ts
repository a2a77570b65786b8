import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request } from 'node:https';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The caller's own address (127.0.0.2 …), as nginx sees it in `$remote_addr`. */
  localAddress?: string;
}

/**
 * A browser, WeChat or a merchant's system reaching the service the way production does: over
 * HTTPS to nginx, trusting the test's certificate, one fresh connection per call.
 */
export class HttpsClient {
  readonly #port: number;
  readonly #ca: string;

  constructor(port: number, ca: string) {
    this.#port = port;
    this.#ca = ca;
  }

  get origin(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  #open(path: string, options: CallOptions, onResponse: (res: IncomingMessage) => void) {
    const body = options.body;
    const req = request(
      {
        host: '127.0.0.1',
        port: this.#port,
        path,
        method: options.method ?? 'GET',
        ca: this.#ca,
        agent: false,
        headers: {
          ...(body === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }),
          ...options.headers,
        },
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      onResponse,
    );
    return { req, body };
  }

  call(path: string, options: CallOptions = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const { req, body } = this.#open(path, options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Opens an event stream; resolves once its head is in (200 or not). */
  watch(path: string, headers: Record<string, string> = {}): Promise<EventWatcher> {
    return new Promise((resolve, reject) => {
      const { req } = this.#open(path, { headers: { Accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new EventWatcher(res, () => req.destroy())),
      );
      req.on('error', reject);
      req.end();
    });
  }
}

/** One open SSE stream: its raw text as it arrives, the `data:` objects parsed, and its end. */
export class EventWatcher {
  readonly status: number;
  readonly contentType: string;
  raw = '';
  readonly events: Array<Record<string, unknown>> = [];
  ended = false;
  readonly #close: () => void;
  readonly #waiters = new Set<() => void>();

  constructor(res: IncomingMessage, close: () => void) {
    this.status = res.statusCode ?? 0;
    this.contentType = String(res.headers['content-type'] ?? '');
    this.#close = close;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.raw += chunk;
      this.events.splice(0, this.events.length, ...parseEvents(this.raw));
      this.#notify();
    });
    const end = () => {
      this.ended = true;
      this.#notify();
    };
    res.on('end', end);
    res.on('close', end);
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Waits until `check` holds (or fails after `ms`, or when the stream ended without it). */
  until(what: string, check: (watcher: EventWatcher) => boolean, ms = 8_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(test);
        error ? reject(error) : resolve();
      };
      const test = () => {
        if (check(this)) return done();
        if (this.ended)
          done(new Error(`the stream ended before ${what}; it said ${JSON.stringify(this.raw)}`));
      };
      const timer = setTimeout(
        () => done(new Error(`no ${what} within ${ms} ms; the stream said ${JSON.stringify(this.raw)}`)),
        ms,
      );
      this.#waiters.add(test);
      test();
    });
  }

  /** Waits for an event whose `state` is `state` (and, when given, whose `orderNo` is `orderNo`). */
  state(state: string, orderNo?: string): Promise<void> {
    return this.until(`a ${state} event`, (w) =>
      w.events.some((e) => e.state === state && (orderNo === undefined || e.orderNo === orderNo)),
    );
  }

  get states(): unknown[] {
    return this.events.map((event) => event.state);
  }

  close(): void {
    this.#close();
  }
}

/** The complete blocks' `data:` lines (the last block is still arriving unless the text ends with one). */
function parseEvents(raw: string): Array<Record<string, unknown>> {
  return raw
    .split('\n\n')
    .slice(0, -1)
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
}
