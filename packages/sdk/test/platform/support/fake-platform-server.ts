import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for `api.weixin.qq.com` on 127.0.0.1, stateful where the SDK's behaviour depends
 * on WeChat's state: `cgi-bin/token` revokes the previous token, `stable_token` does not (unless
 * forced), tokens and codes expire on the injected clock, codes are single-use, and every call is
 * counted so tests can assert how often WeChat was really asked.
 */

export interface FakeApp {
  appid: string;
  secret: string;
}

export interface CannedAnswer {
  status?: number;
  body: string | Record<string, unknown>;
  contentType?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

interface IssuedToken {
  appid: string;
  family: 'classic' | 'stable' | 'user';
  expiresAt: number;
  revoked: boolean;
  openid?: string;
}

interface IssuedCode {
  appid: string;
  openid: string;
  scope?: string;
  unionid?: string;
  errcode?: number;
  expiresAt: number;
  used: boolean;
}

export interface FakePlatformOptions {
  apps: FakeApp[];
  now?: () => number;
  /** Lifetime of access tokens and tickets, default 7200 s. */
  tokenLifetimeSeconds?: number;
  /**
   * Make every error answer quote the request (query and body), as a careless gateway might: lets
   * tests prove the SDK keeps credentials out of errors even when the server echoes them.
   */
  echoRequestInErrors?: boolean;
}

type Answer = { status: number; body: Record<string, unknown> };

export class FakePlatformServer {
  readonly url: string;
  readonly requests: RecordedRequest[] = [];
  /** Set to make the next getticket answer this ticket. */
  nextTicket: string | undefined;
  echoRequestInErrors: boolean;
  readonly #server: Server;
  readonly #apps: Map<string, string>;
  readonly #now: () => number;
  readonly #lifetimeMs: number;
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #currentClassic = new Map<string, string>();
  readonly #currentStable = new Map<string, string>();
  readonly #codes = new Map<string, IssuedCode>();
  readonly #canned = new Map<string, Array<CannedAnswer | 'reset'>>();
  #serial = 0;

  private constructor(server: Server, options: FakePlatformOptions) {
    this.#server = server;
    this.#apps = new Map(options.apps.map((app) => [app.appid, app.secret]));
    this.#now = options.now ?? Date.now;
    this.#lifetimeMs = (options.tokenLifetimeSeconds ?? 7200) * 1000;
    this.echoRequestInErrors = options.echoRequestInErrors ?? false;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(options: FakePlatformOptions): Promise<FakePlatformServer> {
    let fake: FakePlatformServer | undefined;
    const server = createServer((req, res) => {
      fake!.#handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakePlatformServer(server, options);
    return fake;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** How many requests reached `path`. */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  /** Queues answers (or connection resets) for the next calls to `path`, before any real handling. */
  failNext(path: string, ...answers: Array<CannedAnswer | 'reset'>): void {
    this.#canned.set(path, [...(this.#canned.get(path) ?? []), ...answers]);
  }

  /** A web-authorisation code, as WeChat would append to the redirect URI. */
  issueOauthCode(appid: string, user: { openid: string; scope?: string; unionid?: string }): string {
    return this.#issueCode({ appid, ...user, scope: user.scope ?? 'snsapi_base' });
  }

  /** A `wx.login()` code; with `errcode`, exchanging it answers that error. */
  issueJsCode(appid: string, user: { openid: string; unionid?: string; errcode?: number }): string {
    return this.#issueCode({ appid, ...user });
  }

  /** Whether WeChat would still accept `token` right now. */
  tokenState(token: string): 'valid' | 'revoked' | 'expired' | 'unknown' {
    const issued = this.#tokens.get(token);
    if (!issued) return 'unknown';
    if (issued.revoked) return 'revoked';
    return issued.expiresAt <= this.#now() ? 'expired' : 'valid';
  }

  #issueCode(code: Omit<IssuedCode, 'expiresAt' | 'used'>): string {
    const value = `code_${++this.#serial}_${randomBytes(6).toString('hex')}`;
    this.#codes.set(value, { ...code, expiresAt: this.#now() + 5 * 60_000, used: false });
    return value;
  }

  #issueToken(appid: string, family: IssuedToken['family'], openid?: string): string {
    const value = `${family}_${++this.#serial}_${randomBytes(12).toString('hex')}`;
    this.#tokens.set(value, {
      appid,
      family,
      expiresAt: this.#now() + this.#lifetimeMs,
      revoked: false,
      openid,
    });
    return value;
  }

  #expiresIn(token: string): number {
    return Math.floor((this.#tokens.get(token)!.expiresAt - this.#now()) / 1000);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    };
    this.requests.push(recorded);

    const canned = this.#canned.get(url.pathname)?.shift();
    if (canned === 'reset') {
      req.socket.destroy();
      return;
    }
    if (canned) {
      const payload = typeof canned.body === 'string' ? canned.body : JSON.stringify(canned.body);
      res.writeHead(canned.status ?? 200, { 'content-type': canned.contentType ?? 'application/json' });
      res.end(payload);
      return;
    }

    const answer = this.#route(recorded);
    if (this.echoRequestInErrors && answer.body.errcode !== undefined && answer.body.errcode !== 0) {
      answer.body.errmsg = `${answer.body.errmsg} (request: ${req.url} ${text})`;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer.body));
  }

  #route(r: RecordedRequest): Answer {
    switch (`${r.method} ${r.path}`) {
      case 'GET /cgi-bin/token':
        return this.#classicToken(r.query);
      case 'POST /cgi-bin/stable_token':
        return this.#stableToken(r.body ?? {});
      case 'GET /cgi-bin/ticket/getticket':
        return this.#getTicket(r.query);
      case 'GET /cgi-bin/get_api_domain_ip':
        return this.#withToken(r.query, () => ({ ip_list: ['127.0.0.1'] }));
      case 'GET /sns/oauth2/access_token':
        return this.#oauthAccessToken(r.query);
      case 'GET /sns/userinfo':
        return this.#userInfo(r.query);
      case 'GET /sns/jscode2session':
        return this.#jscode2session(r.query);
      default:
        return { status: 404, body: { errcode: 404, errmsg: 'not found' } };
    }
  }

  #checkApp(appid: unknown, secret: unknown): Answer | undefined {
    if (typeof appid !== 'string' || !this.#apps.has(appid)) return err(40013, 'invalid appid');
    if (this.#apps.get(appid) !== secret) return err(40125, 'invalid appsecret');
    return undefined;
  }

  #classicToken(q: Record<string, string>): Answer {
    if (q.grant_type !== 'client_credential') return err(40002, 'invalid grant_type');
    const refused = this.#checkApp(q.appid, q.secret);
    if (refused) return refused;
    const appid = q.appid!;
    const previous = this.#currentClassic.get(appid);
    if (previous) this.#tokens.get(previous)!.revoked = true;
    const token = this.#issueToken(appid, 'classic');
    this.#currentClassic.set(appid, token);
    return ok({ access_token: token, expires_in: this.#expiresIn(token) });
  }

  #stableToken(b: Record<string, unknown>): Answer {
    if (b.grant_type !== 'client_credential') return err(40002, 'invalid grant_type');
    const refused = this.#checkApp(b.appid, b.secret);
    if (refused) return refused;
    const appid = b.appid as string;
    const current = this.#currentStable.get(appid);
    if (current && b.force_refresh === true) this.#tokens.get(current)!.revoked = true;
    // Ordinary mode keeps the live token until its last 5 minutes, then hands out the next one while
    // the old one stays valid until it expires.
    const reusable =
      current !== undefined && this.tokenState(current) === 'valid' && this.#expiresIn(current) > 300;
    const token = reusable ? current : this.#issueToken(appid, 'stable');
    this.#currentStable.set(appid, token);
    return ok({ access_token: token, expires_in: this.#expiresIn(token) });
  }

  #withToken(q: Record<string, string>, answer: (token: IssuedToken) => Record<string, unknown>): Answer {
    const token = q.access_token;
    if (!token) return err(41001, 'access_token missing');
    const state = this.tokenState(token);
    if (state === 'expired') return err(42001, 'access_token expired');
    if (state !== 'valid') return err(40001, 'invalid credential, access_token is invalid or not latest');
    return ok(answer(this.#tokens.get(token)!));
  }

  #getTicket(q: Record<string, string>): Answer {
    if (q.type !== 'jsapi') return err(40097, 'invalid args');
    return this.#withToken(q, () => {
      const ticket = this.nextTicket ?? `ticket_${++this.#serial}_${randomBytes(12).toString('hex')}`;
      this.nextTicket = undefined;
      return { errcode: 0, errmsg: 'ok', ticket, expires_in: this.#lifetimeMs / 1000 };
    });
  }

  #takeCode(appid: string, code: string | undefined): IssuedCode | Answer {
    const issued = code === undefined ? undefined : this.#codes.get(code);
    if (!issued || issued.appid !== appid || issued.expiresAt <= this.#now())
      return err(40029, 'invalid code');
    if (issued.used) return err(40163, 'code been used');
    issued.used = true;
    return issued;
  }

  #oauthAccessToken(q: Record<string, string>): Answer {
    const refused = this.#checkApp(q.appid, q.secret);
    if (refused) return refused;
    if (q.grant_type !== 'authorization_code') return err(40002, 'invalid grant_type');
    const code = this.#takeCode(q.appid!, q.code);
    if ('status' in code) return code;
    const accessToken = this.#issueToken(q.appid!, 'user', code.openid);
    return ok({
      access_token: accessToken,
      expires_in: 7200,
      refresh_token: `refresh_${randomBytes(12).toString('hex')}`,
      openid: code.openid,
      scope: code.scope,
      ...(code.unionid ? { unionid: code.unionid } : {}),
    });
  }

  #userInfo(q: Record<string, string>): Answer {
    const issued = q.access_token ? this.#tokens.get(q.access_token) : undefined;
    if (issued?.family !== 'user' || this.tokenState(q.access_token!) !== 'valid') {
      return err(40001, 'invalid credential');
    }
    if (issued.openid !== q.openid) return err(40003, 'invalid openid');
    return ok({ openid: issued.openid, nickname: 'Tester', sex: 0, privilege: [] });
  }

  #jscode2session(q: Record<string, string>): Answer {
    const refused = this.#checkApp(q.appid, q.secret);
    if (refused) return refused;
    if (q.grant_type !== 'authorization_code') return err(40002, 'invalid grant_type');
    const code = this.#takeCode(q.appid!, q.js_code);
    if ('status' in code) return code;
    if (code.errcode !== undefined) return err(code.errcode, `error ${code.errcode}`);
    return ok({
      openid: code.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(code.unionid ? { unionid: code.unionid } : {}),
    });
  }
}

function ok(body: Record<string, unknown>): Answer {
  return { status: 200, body };
}

function err(errcode: number, errmsg: string): Answer {
  return { status: 200, body: { errcode, errmsg } };
}
