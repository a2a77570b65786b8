import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimApp } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import type { OAuthScope, PlatformCredentialStore } from './platform-credential-store.js';
import { oauthChooserPage, oauthErrorPage } from './platform-oauth-pages.js';
import { PlatformParams } from './platform-params.js';
import type { PlatformReplies } from './platform-replies.js';

/** A web-authorisation code lives five minutes and is exchanged once. */
export const OAUTH_CODE_LIFETIME_MS = 300_000;

export interface OAuthRouteDeps {
  replies: PlatformReplies;
  store: PlatformCredentialStore;
}

interface AuthorizeRequest {
  app: SimApp;
  redirectUri: string;
  scope: OAuthScope;
  state: string;
}

type AuthorizeProblem = { errcode: number | undefined; message: string; hint: string };

const HTML = 'text/html; charset=utf-8';
const SIM_PARAMS = new Set(['user', 'denied']);

/**
 * `open.weixin.qq.com/connect/oauth2/authorize`: checks what WeChat checks (appid of an official
 * account, scope, an absolute redirect URI), then lets a simulated user sign in — from a page listing
 * the users, or directly with `&user=ID` (tests, e2e) — and redirects to `redirect_uri?code=…&state=…`.
 * WeChat's `#wechat_redirect` suffix never reaches a server, so its absence cannot be checked here.
 */
export function platformOAuthRoutes(
  app: FastifyInstance,
  ctx: Pick<SimContext, 'merchants' | 'users'>,
  { replies, store }: OAuthRouteDeps,
): void {
  app.get('/connect/oauth2/authorize', async (request, reply) => {
    if (await replies.fault('platform.authorize', reply, (code, message) => oauthErrorPage(code, message))) {
      return reply;
    }
    const q = PlatformParams.query(request);
    const checked = checkAuthorize(ctx, q);
    if ('errcode' in checked) return problemPage(reply, checked);
    const { app: oaApp, redirectUri, scope, state } = checked;

    if (q.text('denied') !== undefined) return reply.redirect(appendQuery(redirectUri, { state }), 302);
    const userId = q.text('user');
    if (userId === undefined) {
      const base = Object.entries((request.query ?? {}) as Record<string, unknown>)
        .filter(([name, value]) => !SIM_PARAMS.has(name) && typeof value === 'string')
        .map(([name, value]) => [name, value as string] as [string, string]);
      const href = (extra: Record<string, string>) =>
        `/connect/oauth2/authorize?${new URLSearchParams([...base, ...Object.entries(extra)])}`;
      const page = oauthChooserPage({
        appName: oaApp.name,
        appid: oaApp.appid,
        scope,
        redirectUri,
        users: ctx.users.list().map((u) => ({
          id: u.id,
          nickname: u.nickname,
          openid: ctx.users.openid(u.id, oaApp.appid),
          href: href({ user: u.id }),
        })),
        denyHref: scope === 'snsapi_userinfo' ? href({ denied: '1' }) : undefined,
      });
      return reply.code(200).type(HTML).send(page);
    }
    if (!ctx.users.get(userId)) {
      const known = ctx.users
        .list()
        .map((u) => u.id)
        .join(', ');
      return problemPage(reply, {
        errcode: undefined,
        message: '用户不存在',
        hint: `no simulated user "${userId}"; users: ${known}`,
      });
    }
    const code = store.issueCode(
      { kind: 'oauth', appid: oaApp.appid, userId, openid: ctx.users.openid(userId, oaApp.appid), scope },
      OAUTH_CODE_LIFETIME_MS,
    );
    return reply.redirect(appendQuery(redirectUri, { code: code.value, state }), 302);
  });
}

function checkAuthorize(
  ctx: Pick<SimContext, 'merchants'>,
  q: PlatformParams,
): AuthorizeRequest | AuthorizeProblem {
  const appid = q.text('appid');
  const redirectUri = q.text('redirect_uri');
  const scope = q.text('scope');
  if (appid === undefined)
    return { errcode: 10012, message: 'appid不能为空', hint: 'add appid=<official account appid>' };
  if (redirectUri === undefined) {
    return {
      errcode: 10011,
      message: 'redirect_uri不能为空',
      hint: 'add redirect_uri=<urlencoded page URL>',
    };
  }
  if (scope === undefined) {
    return {
      errcode: 10010,
      message: 'scope不能为空',
      hint: 'add scope=snsapi_base or scope=snsapi_userinfo',
    };
  }
  const found = ctx.merchants.byAppid(appid);
  if (!found) {
    return {
      errcode: 40013,
      message: 'invalid appid',
      hint: `"${appid.slice(0, 40)}" is not an app of any simulated merchant`,
    };
  }
  if (found.app.kind !== 'official-account') {
    return {
      errcode: 10016,
      message: '不支持微信开放平台的Appid，请使用公众号Appid',
      hint: `${appid} is a ${found.app.kind}; web authorisation takes the official account's appid`,
    };
  }
  if (q.text('response_type') !== 'code') {
    return { errcode: undefined, message: '参数错误', hint: 'response_type must be code' };
  }
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
    return {
      errcode: 10005,
      message: '此公众号并没有这些scope的权限',
      hint: `scope must be snsapi_base or snsapi_userinfo, got "${scope.slice(0, 40)}"`,
    };
  }
  if (!/^https?:\/\/[^/?#\s]+/i.test(redirectUri) || !URL.canParse(redirectUri)) {
    return {
      errcode: 10003,
      message: 'redirect_uri域名与后台配置不一致',
      hint: 'redirect_uri must be an absolute http(s) URL, urlencoded once (the simulator does not check domains)',
    };
  }
  return { app: found.app, redirectUri, scope, state: q.text('state') ?? '' };
}

function problemPage(reply: FastifyReply, problem: AuthorizeProblem): FastifyReply {
  return reply
    .code(200)
    .type(HTML)
    .header('x-sim-oauth-error', String(problem.errcode ?? 'param'))
    .send(oauthErrorPage(problem.errcode, problem.message, problem.hint));
}

/** Adds parameters to the query of `url` as WeChat does, keeping the merchant's own bytes and fragment. */
function appendQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  const added = Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return `${base}${separator}${added}${fragment}`;
}
