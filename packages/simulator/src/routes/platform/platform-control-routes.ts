import { jssdkSignature } from '@wechatpay-kit/sdk';
import { stripFragment } from '@wechatpay-kit/sdk/crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import type { PlatformCredentialStore } from './platform-credential-store.js';
import { OAUTH_CODE_LIFETIME_MS } from './platform-oauth-routes.js';
import type { PlatformQuotaMeter } from './platform-quota-meter.js';
import type { PlatformTokenIssuer } from './platform-token-issuer.js';

export interface PlatformControlDeps {
  store: PlatformCredentialStore;
  issuer: PlatformTokenIssuer;
  meter: PlatformQuotaMeter;
}

const ANY_ORIGIN = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};

/** Daily counters shown per app. */
const METERED = ['token', 'stable_token', 'force_refresh', 'getticket'] as const;

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `/_sim/platform/…`: what the WeChat app would do on the user's phone, and the knobs of the platform.
 * `login-code` is `wx.login()` for a simulated user (the mini-program stand-in and tests call it),
 * `oauth-code` skips the authorize page, `settings` holds quotas and risky users, and `jssdk/verify`
 * checks a `wx.config` signature as the JS-SDK in WeChat's browser would (the stand-in `wx` of
 * `/_sim/jsbridge.js` calls it from the merchant's page).
 */
export function platformControlRoutes(
  app: FastifyInstance,
  ctx: Pick<SimContext, 'merchants' | 'users'>,
  deps: PlatformControlDeps,
): void {
  const { store, issuer, meter } = deps;

  const userCode = (body: Record<string, unknown>, kind: 'jscode' | 'oauth') => {
    const appid = requireString(body, 'appid');
    const userId = requireString(body, 'user');
    const found = ctx.merchants.byAppid(appid);
    if (!found) throw new ControlError(404, 'APP_NOT_FOUND', `no simulated app ${appid}`);
    const wanted = kind === 'jscode' ? 'mini-program' : 'official-account';
    if (found.app.kind !== wanted) {
      throw new ControlError(
        400,
        'PARAM_ERROR',
        `${appid} is a ${found.app.kind}; ${kind === 'jscode' ? 'wx.login' : 'web authorisation'} needs a ${wanted}`,
      );
    }
    if (!ctx.users.get(userId)) {
      const known = ctx.users
        .list()
        .map((u) => u.id)
        .join(', ');
      throw new ControlError(404, 'USER_NOT_FOUND', `no simulated user ${userId}; users: ${known}`);
    }
    const scope = body.scope ?? 'snsapi_base';
    if (kind === 'oauth' && scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
      throw new ControlError(400, 'PARAM_ERROR', 'scope must be snsapi_base or snsapi_userinfo');
    }
    const openid = ctx.users.openid(userId, appid);
    const code = store.issueCode(
      { kind, appid, userId, openid, ...(kind === 'oauth' ? { scope: scope as 'snsapi_base' } : {}) },
      OAUTH_CODE_LIFETIME_MS,
    );
    return { code: code.value, appid, user: userId, openid, expires_in: OAUTH_CODE_LIFETIME_MS / 1000 };
  };

  app.post(
    '/_sim/platform/login-code',
    control((request) => userCode(jsonBody(request), 'jscode')),
  );
  app.post(
    '/_sim/platform/oauth-code',
    control((request) => userCode(jsonBody(request), 'oauth')),
  );

  const settingsView = () => {
    const usage: Record<string, Record<string, number>> = {};
    for (const merchant of ctx.merchants.list()) {
      for (const { appid } of merchant.apps) {
        usage[appid] = Object.fromEntries(METERED.map((api) => [api, meter.used(api, appid)]));
      }
    }
    return { ...meter.settings(), usageToday: usage };
  };
  app.get(
    '/_sim/platform/settings',
    control(() => settingsView()),
  );
  app.patch(
    '/_sim/platform/settings',
    control((request) => {
      const body = jsonBody(request);
      try {
        meter.update({
          quotas: body.quotas as Record<string, unknown> | undefined,
          riskyUsers: body.riskyUsers,
        });
      } catch (err) {
        if (err instanceof RangeError) throw new ControlError(400, 'PARAM_ERROR', err.message);
        throw err;
      }
      if (body.clearUsage === true) meter.clearDaily();
      return settingsView();
    }),
  );

  // Called by the stand-in `wx.config` from the merchant's page, on another origin: CORS for any
  // origin, no credentials. It answers only whether a signature is valid, never a ticket.
  const verifyPath = '/_sim/platform/jssdk/verify';
  const anyOrigin = { onSend: anyOriginHeaders };
  app.options(verifyPath, anyOrigin, async (_request, reply) => reply.code(204).send());
  app.post(
    verifyPath,
    anyOrigin,
    control((request) => {
      const body = jsonBody(request);
      const appid = requireString(body, 'appId');
      const url = requireString(body, 'url');
      const nonceStr = requireString(body, 'nonceStr');
      const signature = requireString(body, 'signature');
      const timestamp = body.timestamp;
      if (typeof timestamp !== 'number' && typeof timestamp !== 'string') {
        throw new ControlError(400, 'PARAM_ERROR', 'timestamp is required (seconds)');
      }
      const tickets = issuer.liveTickets(appid);
      if (tickets.length === 0) {
        return {
          valid: false,
          reason: `no live jsapi_ticket for ${appid}: fetch one with cgi-bin/ticket/getticket`,
        };
      }
      const signed = `noncestr=${nonceStr}&timestamp=${timestamp}&url=${stripFragment(url)}`;
      if (tickets.some((ticket) => jssdkSignature(ticket, nonceStr, timestamp, url) === signature)) {
        return { valid: true };
      }
      const hint = /[A-F]/.test(signature) ? ' (the signature must be lower-case hex)' : '';
      return {
        valid: false,
        reason: `invalid signature${hint}: expected sha1("jsapi_ticket=<a live ticket>&${signed}") — the URL must be the page's own, without #fragment`,
      };
    }),
  );
}

async function anyOriginHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.headers(ANY_ORIGIN);
  if (request.headers['access-control-request-private-network'] === 'true') {
    reply.header('access-control-allow-private-network', 'true');
  }
  return payload;
}

/** Wraps a control handler: JSON in, JSON out, {@link ControlError} as `{code, message}`. */
function control(handle: (request: FastifyRequest) => Record<string, unknown>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return reply
        .code(200)
        .type('application/json')
        .send(JSON.stringify(handle(request)));
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      return reply
        .code(err.status)
        .type('application/json')
        .send(JSON.stringify({ code: err.code, message: err.message }));
    }
  };
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = request.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ControlError(400, 'PARAM_ERROR', 'the body must be a JSON object');
}

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new ControlError(400, 'PARAM_ERROR', `${name} is required (a string)`);
  return value;
}
