import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed token says; `kind` keeps a token of one purpose from being accepted for another. */
export type SessionPayload =
  | { kind: 'web'; appid: string; openid: string; nickname?: string; exp: number }
  | { kind: 'mp'; appid: string; openid: string; exp: number }
  | { kind: 'oauth-state'; state: string; returnTo: string; scope: string; exp: number };

type Body<K extends SessionPayload['kind']> = Omit<Extract<SessionPayload, { kind: K }>, 'exp' | 'kind'>;

/**
 * Stateless, HMAC-SHA256-signed tokens (`base64url(json).base64url(mac)`) for the web session cookie,
 * the mini-program session token and the OAuth state cookie. Stateless so any instance can check a
 * token another issued; expiring so a stolen token does not live forever. Nothing secret goes in —
 * the payload is readable by the holder, only not forgeable.
 */
export class SessionCodec {
  readonly #secret: Buffer;
  readonly #now: () => number;

  constructor(secret: string, now: () => number = Date.now) {
    if (secret.length < 32) throw new Error('the session secret must be at least 32 characters');
    this.#secret = Buffer.from(secret, 'utf8');
    this.#now = now;
  }

  encode<K extends SessionPayload['kind']>(
    kind: K,
    body: Body<K>,
    ttlMs: number,
  ): { token: string; exp: number } {
    const exp = this.#now() + ttlMs;
    const payload = Buffer.from(JSON.stringify({ ...body, kind, exp })).toString('base64url');
    return { token: `${payload}.${this.#mac(payload)}`, exp };
  }

  /** The payload when `token` is genuine, of `kind`, and not expired; otherwise undefined. */
  decode<K extends SessionPayload['kind']>(
    kind: K,
    token: string | undefined,
  ): Extract<SessionPayload, { kind: K }> | undefined {
    if (!token || token.length > 4096) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    // Compared as text, not decoded: base64url's spare bits would let several spellings pass.
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.#mac(payload), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const value = parsed as { kind?: unknown; exp?: unknown };
    if (value.kind !== kind || typeof value.exp !== 'number' || value.exp <= this.#now()) return undefined;
    return parsed as Extract<SessionPayload, { kind: K }>;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }
}
