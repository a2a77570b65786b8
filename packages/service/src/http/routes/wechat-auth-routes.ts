import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError, type OAuthScope } from '../../domain/index.js';
import type { PlatformUseCases } from '../../use-cases/index.js';
import { ErrorSchema, TEXT_PATTERN, TOKEN_PATTERN } from '../api-schemas.js';
import type { PlatformHttpOptions } from '../http-app-options.js';
import type { WechatSessions } from '../wechat-sessions.js';

export interface WechatAuthRoutesOptions {
  platform?: PlatformHttpOptions;
  sessions?: WechatSessions;
}

const Scope = Type.Union([Type.Literal('snsapi_base'), Type.Literal('snsapi_userinfo')]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 502: ErrorSchema, 503: ErrorSchema };
const SessionSchema = Type.Object({
  openid: Type.String(),
  appid: Type.String(),
  nickname: Type.Optional(Type.String()),
});

/**
 * The buyer signs in with WeChat: web authorisation for pages opened inside WeChat (a session
 * cookie), `wx.login()` for the mini-program (a bearer token), plus `wx.config` signatures for our
 * pages. Without platform settings every route answers 503 `PLATFORM_NOT_CONFIGURED`.
 */
export const wechatAuthRoutes: FastifyPluginAsyncTypebox<WechatAuthRoutesOptions> = async (
  app,
  { platform, sessions },
) => {
  const configured = (): { ops: PlatformUseCases; sessions: WechatSessions; publicUrl: string } => {
    if (!platform || !sessions) {
      throw new DomainError(
        'PLATFORM_NOT_CONFIGURED',
        'the WeChat platform is not configured (WECHAT_APPSECRET…)',
      );
    }
    return { ops: platform.useCases, sessions, publicUrl: platform.publicUrl };
  };

  app.get(
    '/wechat/login',
    {
      schema: {
        tags: ['wechat'],
        summary: 'Start web authorisation: redirects to WeChat with a state bound to this browser',
        querystring: Type.Object({
          returnTo: Type.Optional(Type.String({ maxLength: 512 })),
          scope: Type.Optional(Scope),
        }),
        response: errors,
      },
    },
    async (request, reply) => {
      const { ops, sessions, publicUrl } = configured();
      const scope: OAuthScope = request.query.scope ?? 'snsapi_base';
      const state = randomBytes(16).toString('hex');
      sessions.startOAuth(reply, { state, scope, returnTo: safeReturnTo(request.query.returnTo) });
      const url = ops.signInWithWechat.authorizeUrl({
        redirectUri: `${publicUrl}/wechat/oauth/callback`,
        scope,
        state,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/wechat/oauth/callback',
    {
      schema: {
        tags: ['wechat'],
        summary: 'WeChat sends the browser back here: state checked, code exchanged, session opened',
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 256, pattern: TOKEN_PATTERN })),
          state: Type.Optional(Type.String({ maxLength: 256, pattern: TOKEN_PATTERN })),
        }),
        response: errors,
      },
    },
    async (request, reply) => {
      const { ops, sessions } = configured();
      const started = sessions.finishOAuth(request, reply, request.query.state);
      const code = request.query.code;
      if (!code)
        throw new DomainError('OAUTH_CODE_INVALID', 'the user did not authorise the sign-in (no code)');
      const identity = await ops.signInWithWechat.withOAuthCode({ code, scope: started.scope as OAuthScope });
      sessions.openWebSession(reply, identity);
      return reply.redirect(started.returnTo, 302);
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['wechat'],
        summary: 'The signed-in WeChat user of this browser (session cookie)',
        response: { 200: SessionSchema, ...errors },
      },
    },
    async (request) => {
      const identity = configured().sessions.webSession(request);
      if (!identity) throw new DomainError('SESSION_INVALID', 'not signed in with WeChat');
      return identity;
    },
  );

  app.get(
    '/api/jssdk/config',
    {
      schema: {
        tags: ['wechat'],
        summary: 'wx.config parameters for a page on the configured domains (#fragment removed)',
        querystring: Type.Object({
          url: Type.String({ minLength: 1, maxLength: 2048, pattern: TEXT_PATTERN }),
        }),
        response: {
          200: Type.Object({
            appId: Type.String(),
            timestamp: Type.Integer(),
            nonceStr: Type.String(),
            signature: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const config = await configured().ops.signJssdkConfig.execute({ url: request.query.url });
      return reply.header('Cache-Control', 'no-store').send(config);
    },
  );

  app.post(
    '/api/miniprogram/login',
    {
      schema: {
        tags: ['wechat'],
        summary: 'Mini-program login: wx.login() code → session token (session_key stays here)',
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 128, pattern: TOKEN_PATTERN }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            token: Type.String(),
            openid: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ops, sessions } = configured();
      const identity = await ops.signInWithWechat.withLoginCode({ code: request.body.code });
      const { token, expiresAt } = sessions.miniProgramToken(identity);
      return { token, openid: identity.openid, expiresAt: expiresAt.toISOString() };
    },
  );
};

/**
 * A path of this site written as a browser sends it: `/`, then only URL characters (RFC 3986,
 * non-ASCII already %-encoded, every `%` followed by two hex digits). Not `//host` or `/\host`
 * (open redirect), and nothing Node would refuse in a `Location` header. Anything else: `/`.
 */
const LOCAL_PATH = /^\/(?![/\\])(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/** Where the sign-in leads back to: `returnTo` when it is a safe local path, else `/`. */
export function safeReturnTo(value: string | undefined): string {
  return value !== undefined && LOCAL_PATH.test(value) ? value : '/';
}
