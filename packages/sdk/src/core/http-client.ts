import { Agent, type Dispatcher, request, errors as undiciErrors } from 'undici';
import { WechatPayTransportError } from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/**
 * The transport seam. The SDK only ever needs "send these bytes, give me status, headers and bytes",
 * so any HTTP stack (a proxy-aware agent, a recorder in tests, a Fastify `inject`) can stand in.
 */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /**
   * The same exchange with the body handed over as it arrives, for answers too large to hold
   * (a busy day's bill). Optional: without it, bill streams read {@link request}'s whole body.
   */
  stream?(req: HttpRequest): Promise<HttpStreamResponse>;
  close?(): Promise<void>;
}

/** An answer whose body is read chunk by chunk; stop early with `cancel()` to free the connection. */
export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array>;
  cancel(): void;
}

/** {@link HttpClient.stream} when the client has it, else the whole body as one chunk. */
export async function streamWith(http: HttpClient, req: HttpRequest): Promise<HttpStreamResponse> {
  if (http.stream) return http.stream(req);
  const res = await http.request(req);
  return {
    status: res.status,
    headers: res.headers,
    body: (async function* () {
      yield res.body;
    })(),
    cancel() {},
  };
}

/** Reads a streamed body whole, refusing more than `maxBytes` (for the short answers of a failure). */
export async function readStreamBody(
  res: HttpStreamResponse,
  maxBytes: number,
  req: Pick<HttpRequest, 'method' | 'url'>,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > maxBytes) {
      res.cancel();
      throw new WechatPayTransportError(`response larger than ${maxBytes} bytes`, req);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export interface UndiciHttpClientOptions {
  /** Whole-request timeout (headers and body), default 10 s. */
  timeoutMs?: number;
  /** Connect timeout, default 5 s. */
  connectTimeoutMs?: number;
  /** Answers larger than this are refused, default 10 MiB (bills go through `maxBillBytes`). */
  maxResponseBytes?: number;
  /** Keep-alive connections per origin, default 16. */
  connections?: number;
  /** Client certificate for mutual TLS (v2 refunds): PEM or PKCS#12. */
  tls?: {
    cert?: string | Buffer;
    key?: string | Buffer;
    pfx?: Buffer;
    passphrase?: string;
    ca?: string | Buffer;
  };
  /** Supply your own undici dispatcher (proxy agent, mock agent). */
  dispatcher?: Dispatcher;
}

/**
 * Default transport on undici with a keep-alive pool: one TLS handshake serves many calls, which
 * matters more for latency than anything done in JavaScript.
 */
export class UndiciHttpClient implements HttpClient {
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: UndiciHttpClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 16,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 60_000,
        connect: { timeout: options.connectTimeoutMs ?? 5_000, ...options.tls },
      });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const timeout = req.timeoutMs ?? this.#timeoutMs;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.#dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: req.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.#maxResponseBytes) {
          res.body.destroy();
          throw new WechatPayTransportError(`response larger than ${this.#maxResponseBytes} bytes`, {
            method: req.method,
            url: req.url,
          });
        }
        chunks.push(chunk as Buffer);
      }
      return {
        status: res.statusCode,
        headers: flatHeaders(res.headers),
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      };
    } catch (cause) {
      throw transportFailure(req, cause);
    }
  }

  /** No size bound here: whoever streams decides how much to read (bills are checked by their digest). */
  async stream(req: HttpRequest): Promise<HttpStreamResponse> {
    const timeout = req.timeoutMs ?? this.#timeoutMs;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.#dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: req.signal,
      });
      return {
        status: res.statusCode,
        headers: flatHeaders(res.headers),
        body: res.body,
        cancel: () => res.body.destroy(),
      };
    } catch (cause) {
      throw transportFailure(req, cause);
    }
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function transportFailure(req: HttpRequest, cause: unknown): WechatPayTransportError {
  if (cause instanceof WechatPayTransportError) return cause;
  const timedOut =
    cause instanceof undiciErrors.HeadersTimeoutError ||
    cause instanceof undiciErrors.BodyTimeoutError ||
    cause instanceof undiciErrors.ConnectTimeoutError;
  const what = cause instanceof Error ? cause.message : String(cause);
  return new WechatPayTransportError(`${req.method} ${stripQuery(req.url)} failed: ${what}`, {
    method: req.method,
    url: req.url,
    timedOut,
    cause,
  });
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
