import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import type { CodeOutcome, IssuedCode, PlatformCredentialStore } from './platform-credential-store.js';
import { PlatformParams } from './platform-params.js';
import type { PlatformQuotaMeter } from './platform-quota-meter.js';
import { PlatformRefusal } from './platform-refusal.js';
import type { PlatformReplies } from './platform-replies.js';
import { type PlatformTokenIssuer, TOKEN_LIFETIME_MS } from './platform-token-issuer.js';
import { requireGrant, requireParam } from './platform-token-routes.js';

/** A web-authorisation refresh_token lives 30 days. */
const REFRESH_LIFETIME_MS = 30 * 24 * 3600_000;

export interface SnsRouteDeps {
  replies: PlatformReplies;
  store: PlatformCredentialStore;
  issuer: PlatformTokenIssuer;
  meter: PlatformQuotaMeter;
}

/**
 * `api.weixin.qq.com/sns/…`: a user's side of the platform. Web authorisation turns a code into the
 * user's openid and a user access_token (`snsapi_userinfo` also reads the profile), and mini-program
 * login turns a `wx.login()` code into openid and session_key. Every merchant's apps count as bound
 * to one WeChat Open Platform account, so a user has the same unionid in all of them.
 */
export function platformSnsRoutes(
  app: FastifyInstance,
  ctx: Pick<SimContext, 'merchants' | 'users'>,
  deps: SnsRouteDeps,
): void {
  const { replies, store, issuer, meter } = deps;
  const unionid = (appid: string, userId: string) =>
    unionidOf(ctx.merchants.byAppid(appid)?.merchant.mchid ?? appid, userId);

  app.get(
    '/sns/oauth2/access_token',
    replies.handler('platform.oauth_access_token', (request) => {
      const q = PlatformParams.query(request);
      const appid = requireParam(q.text('appid'), 41002);
      const secret = requireParam(q.text('secret'), 41004);
      const codeValue = requireParam(q.text('code'), 41008);
      requireGrant(q.text('grant_type'), 'authorization_code');
      issuer.authenticate(appid, secret, ['official-account', 'app']);
      const code = takeCode(store.peekCode('oauth', appid, codeValue));
      store.consumeCode(code);
      const scope = code.scope ?? 'snsapi_base';
      const user = { userId: code.userId, openid: code.openid, scope };
      const token = store.issue('sns_access_token', appid, TOKEN_LIFETIME_MS, user);
      const refresh = store.issue('sns_refresh_token', appid, REFRESH_LIFETIME_MS, {
        ...user,
        accessToken: token.value,
      });
      return {
        access_token: token.value,
        expires_in: TOKEN_LIFETIME_MS / 1000,
        refresh_token: refresh.value,
        openid: code.openid,
        scope,
        ...(scope === 'snsapi_userinfo' ? { unionid: unionid(appid, code.userId) } : {}),
      };
    }),
  );

  app.get(
    '/sns/oauth2/refresh_token',
    replies.handler('platform.oauth_refresh_token', (request) => {
      const q = PlatformParams.query(request);
      const appid = requireParam(q.text('appid'), 41002);
      requireGrant(q.text('grant_type'), 'refresh_token');
      const value = requireParam(q.text('refresh_token'), 41003);
      if (!ctx.merchants.byAppid(appid))
        throw new PlatformRefusal(40013, 'not an app of any simulated merchant');
      const refresh = store.find(value);
      if (refresh?.kind !== 'sns_refresh_token' || refresh.appid !== appid) {
        throw new PlatformRefusal(40030, `not a refresh_token the simulator issued to ${appid}`);
      }
      if (store.state(refresh) !== 'valid')
        throw new PlatformRefusal(42002, 'refresh_tokens live 30 days: authorise again');
      // A live access_token is renewed in place; an expired one is replaced.
      let token = refresh.accessToken ? store.find(refresh.accessToken) : undefined;
      if (token && store.state(token) === 'valid') store.extend(token, TOKEN_LIFETIME_MS);
      else {
        token = store.issue('sns_access_token', appid, TOKEN_LIFETIME_MS, {
          userId: refresh.userId,
          openid: refresh.openid,
          scope: refresh.scope,
        });
        store.link(refresh, token.value);
      }
      return {
        access_token: token.value,
        expires_in: TOKEN_LIFETIME_MS / 1000,
        refresh_token: refresh.value,
        openid: refresh.openid,
        scope: refresh.scope,
      };
    }),
  );

  app.get(
    '/sns/userinfo',
    replies.handler('platform.userinfo', (request) => {
      const q = PlatformParams.query(request);
      const token = issuer.requireToken(q.text('access_token'), ['sns_access_token']);
      const openid = requireParam(q.text('openid'), 41009);
      if (openid !== token.openid)
        throw new PlatformRefusal(40003, 'openid is not the user this access_token was issued for');
      if (token.scope !== 'snsapi_userinfo') {
        throw new PlatformRefusal(
          48001,
          'this token has scope snsapi_base: authorise with scope=snsapi_userinfo to read the profile',
        );
      }
      const user = token.userId ? ctx.users.get(token.userId) : undefined;
      if (!user) throw new PlatformRefusal(40003, 'the simulated user behind this openid no longer exists');
      return {
        openid,
        nickname: user.nickname,
        sex: 0,
        province: '',
        city: '',
        country: '',
        headimgurl: '',
        privilege: [],
        unionid: unionid(token.appid, user.id),
      };
    }),
  );

  app.get(
    '/sns/auth',
    replies.handler('platform.sns_auth', (request) => {
      const q = PlatformParams.query(request);
      const token = issuer.requireToken(q.text('access_token'), ['sns_access_token']);
      if (requireParam(q.text('openid'), 41009) !== token.openid) {
        throw new PlatformRefusal(40003, 'openid is not the user this access_token was issued for');
      }
      return { errcode: 0, errmsg: 'ok' };
    }),
  );

  app.get(
    '/sns/jscode2session',
    replies.handler('platform.jscode2session', (request) => {
      const q = PlatformParams.query(request);
      const appid = requireParam(q.text('appid'), 41002);
      const secret = requireParam(q.text('secret'), 41004);
      const codeValue = requireParam(q.text('js_code'), 41008);
      requireGrant(q.text('grant_type'), 'authorization_code');
      issuer.authenticate(appid, secret, ['mini-program']);
      const code = takeCode(store.peekCode('jscode', appid, codeValue));
      const perMinute = meter.quota('jscode2sessionPerUserPerMinute');
      if (!meter.take('minute', 'jscode2session', `${appid}:${code.userId}`, perMinute)) {
        throw new PlatformRefusal(45011, `more than ${perMinute} logins of this user this minute`);
      }
      store.consumeCode(code);
      if (meter.isRisky(code.userId)) {
        throw new PlatformRefusal(40226, `user ${code.userId} is flagged risky in /_sim/platform/settings`);
      }
      return {
        session_key: randomBytes(16).toString('base64'),
        openid: code.openid,
        unionid: unionid(appid, code.userId),
      };
    }),
  );
}

/** A user's unionid within one merchant's Open Platform account: stable, and unlike any openid. */
export function unionidOf(mchid: string, userId: string): string {
  return `o${createHash('sha256').update(`unionid:${mchid}:${userId}`).digest('base64url').slice(0, 27)}`;
}

function takeCode(outcome: CodeOutcome): IssuedCode {
  if (outcome.ok) return outcome.code;
  switch (outcome.reason) {
    case 'used':
      throw new PlatformRefusal(40163, 'a code is exchanged once: keep the openid in your session instead');
    case 'expired':
      throw new PlatformRefusal(40029, 'the code expired: codes live 5 minutes');
    default:
      throw new PlatformRefusal(
        40029,
        'no such code for this appid (a code belongs to the appid it was issued for)',
      );
  }
}
