import { type HttpClient, type HttpMethod, UndiciHttpClient } from '../core/http-client.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../core/retry.js';
import {
  WechatPayApiError,
  WechatPayError,
  WechatPayFormatError,
  WechatPayTransportError,
  WechatPlatformError,
} from '../errors.js';

export const PLATFORM_BASE_URL = 'https://api.weixin.qq.com';

/** Parameters whose values are credentials: they are masked wherever an error could show them. */
const SECRET_FIELDS = ['secret', 'access_token', 'refresh_token', 'session_key'];

export interface PlatformClientOptions {
  /** Default `https://api.weixin.qq.com`; point it at a simulator or an egress proxy. */
  baseUrl?: string;
  /** Default: an {@link UndiciHttpClient} owned (and closed) by this client. */
  http?: HttpClient;
  /** Back-off for reads, default {@link DEFAULT_RETRY}. */
  retry?: RetryPolicy;
  /** Per-request timeout passed to the transport. */
  timeoutMs?: number;
}

export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface PlatformCallOptions {
  /**
   * Retry transport failures and errcode -1, default true. Turn it off for calls that consume
   * something (an OAuth or `wx.login` code, a rate-limited force refresh): repeating a request whose
   * answer was lost would burn the code and report a misleading error.
   */
  retry?: boolean;
}

/**
 * The one place that talks to `api.weixin.qq.com`. Every platform answer is JSON and every failure
 * looks the same (`{errcode, errmsg}`, usually with HTTP 200), so resource classes stay thin: they
 * pick a path and a shape and never see HTTP. Credentials travel in query strings and bodies here,
 * so nothing thrown from this client repeats a URL query, a request body or a credential's value.
 */
export class PlatformClient {
  readonly baseUrl: string;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number | undefined;

  constructor(options: PlatformClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? PLATFORM_BASE_URL).replace(/\/+$/, '');
    this.#ownsHttp = options.http === undefined;
    this.#http = options.http ?? new UndiciHttpClient();
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#timeoutMs = options.timeoutMs;
  }

  /** GET `path?query` and return the parsed answer; `{errcode≠0}` becomes a {@link WechatPlatformError}. */
  get<T>(path: string, query: QueryParams, options: PlatformCallOptions = {}): Promise<T> {
    return this.#call<T>('GET', path, query, undefined, options);
  }

  /** POST a JSON body (most platform writes also take `access_token` in `query`). */
  post<T>(
    path: string,
    body: Record<string, unknown>,
    options: PlatformCallOptions & { query?: QueryParams } = {},
  ): Promise<T> {
    return this.#call<T>('POST', path, options.query ?? {}, body, options);
  }

  /** Releases the keep-alive pool when this client created it. */
  async close(): Promise<void> {
    if (this.#ownsHttp) await this.#http.close?.();
  }

  async #call<T>(
    method: HttpMethod,
    path: string,
    query: QueryParams,
    body: Record<string, unknown> | undefined,
    options: PlatformCallOptions,
  ): Promise<T> {
    const secrets = collectSecrets(query, body);
    const attempt = () => this.#send<T>(method, path, query, body, secrets);
    if (options.retry === false) return attempt();
    return withRetry(this.#retry, attempt);
  }

  async #send<T>(
    method: HttpMethod,
    path: string,
    query: QueryParams,
    body: Record<string, unknown> | undefined,
    secrets: string[],
  ): Promise<T> {
    const url = `${this.baseUrl}${path}${queryString(query)}`;
    const where = `${method} ${path}`;
    let res: Awaited<ReturnType<HttpClient['request']>>;
    try {
      res = await this.#http.request({
        method,
        url,
        headers: body === undefined ? { accept: 'application/json' } : JSON_HEADERS,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.#timeoutMs,
      });
    } catch (err) {
      throw transportError(err, method, url, where, secrets);
    }
    return parseAnswer<T>(res.status, res.headers['content-type'], res.body, where, secrets);
  }
}

const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

function queryString(query: QueryParams): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.append(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function collectSecrets(query: QueryParams, body: Record<string, unknown> | undefined): string[] {
  const found: string[] = [];
  for (const source of [query, body ?? {}]) {
    for (const field of SECRET_FIELDS) {
      const value = source[field];
      if (typeof value === 'string' && value !== '') found.push(value);
    }
  }
  return found;
}

/** Replaces every credential value, raw or in either URL encoding, by `***`. */
function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]);
    for (const form of forms) out = out.split(form).join('***');
  }
  return out;
}

function containsSecret(text: string, secrets: readonly string[]): boolean {
  return redactSecrets(text, secrets) !== text;
}

function transportError(
  err: unknown,
  method: HttpMethod,
  url: string,
  where: string,
  secrets: string[],
): WechatPayError {
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  if (err instanceof WechatPayError && !containsSecret(message + stack, secrets)) return err;
  // A custom HttpClient may have echoed the URL or body: keep only what is safe to log.
  const safeCause = containsSecret(message + stack, secrets) ? undefined : err;
  const timedOut = err instanceof WechatPayTransportError && err.timedOut;
  return new WechatPayTransportError(`${where} failed: ${redactSecrets(message, secrets)}`, {
    method,
    url,
    timedOut,
    cause: safeCause,
  });
}

function parseAnswer<T>(
  status: number,
  contentType: string | undefined,
  body: Buffer,
  where: string,
  secrets: string[],
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    const kind = contentType ?? 'no content-type';
    if (status >= 500) {
      throw new WechatPayApiError(`${where}: HTTP ${status} (${kind})`, { code: `HTTP_${status}`, status });
    }
    throw new WechatPayFormatError(`${where}: answer is not JSON (HTTP ${status}, ${kind})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WechatPayFormatError(`${where}: answer is not a JSON object (HTTP ${status})`);
  }
  const { errcode, errmsg } = parsed as { errcode?: unknown; errmsg?: unknown };
  const code = errcode === undefined || errcode === null ? 0 : Number(errcode);
  if (!Number.isInteger(code)) throw new WechatPayFormatError(`${where}: errcode is not a number`);
  if (code !== 0) {
    const message = redactSecrets(typeof errmsg === 'string' ? errmsg : '', secrets);
    throw new WechatPlatformError(code, message, { status, raw: { errcode: code, errmsg: message } });
  }
  if (status >= 400) {
    throw new WechatPayApiError(`${where}: HTTP ${status}`, { code: `HTTP_${status}`, status });
  }
  return parsed as T;
}
