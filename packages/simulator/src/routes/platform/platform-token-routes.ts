import type { FastifyInstance } from 'fastify';
import { PlatformParams } from './platform-params.js';
import type { PlatformQuotaMeter } from './platform-quota-meter.js';
import { PlatformRefusal } from './platform-refusal.js';
import type { PlatformReplies } from './platform-replies.js';
import type { PlatformTokenIssuer } from './platform-token-issuer.js';

export interface PlatformTokenDeps {
  replies: PlatformReplies;
  issuer: PlatformTokenIssuer;
  meter: PlatformQuotaMeter;
}

const APP_TOKENS = ['access_token', 'stable_token'] as const;

/**
 * `api.weixin.qq.com/cgi-bin/…`: the app's access tokens, JS-SDK tickets, and the token check every
 * other `cgi-bin` call makes. A call the simulator does not implement still has its token checked,
 * so a client's token handling can be tested against any path it uses.
 */
export function platformTokenRoutes(
  app: FastifyInstance,
  { replies, issuer, meter }: PlatformTokenDeps,
): void {
  app.get(
    '/cgi-bin/token',
    replies.handler('platform.token', (request) => {
      const q = PlatformParams.query(request);
      const appid = requireParam(q.text('appid'), 41002);
      const secret = requireParam(q.text('secret'), 41004);
      requireGrant(q.text('grant_type'), 'client_credential');
      issuer.authenticate(appid, secret);
      return issuer.classicToken(appid);
    }),
  );

  app.post(
    '/cgi-bin/stable_token',
    replies.handler('platform.stable_token', (request) => {
      const body = PlatformParams.json(request);
      const appid = requireParam(body.text('appid'), 41002);
      const secret = requireParam(body.text('secret'), 41004);
      requireGrant(body.text('grant_type'), 'client_credential');
      const force = body.raw('force_refresh');
      if (force !== undefined && typeof force !== 'boolean') {
        throw new PlatformRefusal(
          47001,
          'force_refresh must be a JSON boolean (true or false), not a string',
        );
      }
      issuer.authenticate(appid, secret);
      return issuer.stableToken(appid, force === true);
    }),
  );

  app.get(
    '/cgi-bin/ticket/getticket',
    replies.handler('platform.getticket', (request) => {
      const q = PlatformParams.query(request);
      const token = issuer.requireToken(q.text('access_token'), [...APP_TOKENS]);
      const type = q.text('type');
      if (type !== 'jsapi' && type !== 'wx_card') {
        throw new PlatformRefusal(
          40097,
          `type must be jsapi (JS-SDK) or wx_card, got ${JSON.stringify(type ?? '')}`,
        );
      }
      return { errcode: 0, errmsg: 'ok', ...issuer.ticket(token.appid, type) };
    }),
  );

  app.get(
    '/cgi-bin/get_api_domain_ip',
    replies.handler('platform.get_api_domain_ip', (request) => {
      issuer.requireToken(PlatformParams.query(request).text('access_token'), [...APP_TOKENS]);
      return { ip_list: ['127.0.0.1'] };
    }),
  );

  app.post(
    '/cgi-bin/clear_quota',
    replies.handler('platform.clear_quota', (request) => {
      const token = issuer.requireToken(PlatformParams.query(request).text('access_token'), [...APP_TOKENS]);
      const appid = requireParam(PlatformParams.json(request).text('appid'), 41002);
      if (appid !== token.appid) {
        throw new PlatformRefusal(
          40013,
          `the access_token belongs to ${token.appid}, not ${appid.slice(0, 40)}`,
        );
      }
      if (!meter.take('month', 'clear_quota', appid, meter.quota('clearQuotaPerMonth'))) {
        throw new PlatformRefusal(
          48006,
          `clear_quota may be used ${meter.quota('clearQuotaPerMonth')} times a month`,
        );
      }
      meter.clearDaily(appid);
      return { errcode: 0, errmsg: 'ok' };
    }),
  );

  for (const [url, allowed, errcode] of [
    ['/cgi-bin/token', 'GET', 43001],
    ['/cgi-bin/ticket/getticket', 'GET', 43001],
    ['/cgi-bin/stable_token', 'POST', 43002],
  ] as const) {
    const others = (['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const).filter((m) => m !== allowed);
    app.route({
      method: [...others],
      url,
      handler: (_request, reply) =>
        replies.refusal(reply, new PlatformRefusal(errcode, `${url} takes ${allowed} only`)),
    });
  }

  app.all(
    '/cgi-bin/*',
    replies.handler('platform.other', (request) => {
      issuer.requireToken(PlatformParams.query(request).text('access_token'), [...APP_TOKENS]);
      throw new PlatformRefusal(
        48001,
        `the simulator checked the access_token but does not implement ${request.url.split('?')[0]}`,
      );
    }),
  );
}

/** A required parameter, or the "missing" refusal WeChat gives for it. */
export function requireParam(
  value: string | undefined,
  errcode: 41002 | 41003 | 41004 | 41008 | 41009,
): string {
  if (value === undefined) throw new PlatformRefusal(errcode);
  return value;
}

export function requireGrant(value: string | undefined, expected: string): void {
  if (value !== expected) {
    throw new PlatformRefusal(40002, `grant_type must be ${expected}, got ${JSON.stringify(value ?? '')}`);
  }
}
