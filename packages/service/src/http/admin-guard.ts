import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import {
  type AdminPermission,
  type AdminPrincipal,
  type AuditContext,
  roleAllows,
  TOKEN_PRINCIPAL,
} from '../domain/index.js';
import type { AdminSessions } from '../use-cases/index.js';
import { tokenDigest } from './admin-auth.js';
import { adminCookie, adminSessionIdOf } from './admin-session-cookie.js';
import { ErrorSchema } from './api-schemas.js';
import type { ClientRateLimiter } from './client-rate-limiter.js';

/** What a route needs: one permission of `domain/admin-roles.ts`, or `public` (the sign-in itself). */
export type AdminAccess = AdminPermission | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Declared by every back-office route; the admin guard enforces it. */
    permission?: AdminAccess;
    /**
     * A merchant API key (`MERCHANT_API_KEYS`) also gets in: the merchant's own system acting
     * (the till's payment-code route). The key's name is then `request.merchantClient`.
     */
    orMerchantKey?: boolean;
  }
  interface FastifyRequest {
    /** Who passed the admin guard; `null` on routes without a permission. */
    admin: AdminCaller | null;
    /** The merchant API key's name, on an {@link FastifyContextConfig.orMerchantKey} route. */
    merchantClient: string | null;
  }
}

export interface AdminCaller {
  principal: AdminPrincipal;
  /** The session cookie's id, when signed in with one (not with the bearer token). */
  sessionId?: string;
  csrfToken?: string;
}

export interface AdminGuardOptions {
  adminToken: string;
  /** Admin users' sessions; absent = only the bearer token gets in. */
  sessions?: Pick<AdminSessions, 'resume'>;
  /** Failed authentications per client (wrong tokens and wrong passwords count alike). */
  failures?: ClientRateLimiter;
  /** The cookie's `Secure` flag and `__Host-` name. */
  secureCookie: boolean;
  /** Who holds a merchant API key, for the routes that let one in (`orMerchantKey`). */
  merchantKeys?: { clientOf(request: FastifyRequest): string | undefined };
}

/** Back-office paths: a route here without a permission is refused when it is registered. */
const BACK_OFFICE = /^\/api\/admin(\/|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const guards = new WeakSet<onRequestHookHandler>();

/**
 * The one place that decides who gets into the back office. A route declares what it needs —
 * `config: { permission: 'refund' }` — and this guard, attached when the route is registered,
 * lets in `Authorization: Bearer <ADMIN_TOKEN>` (the owner, no CSRF token: a browser never sends
 * it by itself) or an admin user's session cookie, whose changes must carry `X-CSRF-Token`; then
 * asks the role table. Every guarded route documents 401, 403 and 429. A route under `/api/admin`
 * that declares no permission stops the service at start-up, so none is left open by mistake.
 */
export function installAdminGuard(app: FastifyInstance, options: AdminGuardOptions): void {
  app.decorateRequest('admin', null);
  app.decorateRequest('merchantClient', null);
  const expected = tokenDigest(options.adminToken);
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission === undefined) {
      if (BACK_OFFICE.test(route.url)) {
        throw new Error(
          `${route.method} ${route.url} declares no permission: add config: { permission } (domain/admin-roles.ts)`,
        );
      }
      return;
    }
    if (permission === 'public') return;
    const existing = [route.onRequest ?? []].flat();
    // Fastify derives a HEAD route from each GET one with the GET's hooks: guard it only once.
    if (existing.some((hook) => guards.has(hook))) return;
    const guard = guardOf(permission, options, expected, route.config?.orMerchantKey === true);
    guards.add(guard);
    route.onRequest = [guard, ...existing];
    route.schema = {
      ...route.schema,
      security: [{ bearer: [] }, { adminSession: [] }],
      response: {
        401: ErrorSchema,
        403: ErrorSchema,
        429: ErrorSchema,
        ...(route.schema?.response as object | undefined),
      },
    };
  });
}

function guardOf(
  permission: AdminPermission,
  options: AdminGuardOptions,
  expected: Buffer,
  orMerchantKey: boolean,
) {
  const { failures, sessions, secureCookie } = options;
  const handler: onRequestHookHandler = async (request, reply) => {
    const merchantClient = orMerchantKey ? options.merchantKeys?.clientOf(request) : undefined;
    if (merchantClient !== undefined) {
      request.merchantClient = merchantClient;
      return;
    }
    const wait = failures?.retryAfter(request.ip);
    if (wait !== undefined) {
      await reply
        .status(429)
        .header('Retry-After', String(wait))
        .send({ error: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins; retry in ${wait} s` });
      return;
    }
    const caller = await authenticate(request, reply, { expected, failures, sessions, secureCookie });
    if (!caller) return;
    if (
      caller.csrfToken !== undefined &&
      !SAFE_METHODS.has(request.method) &&
      !csrfMatches(request, caller.csrfToken)
    ) {
      await refuse(
        reply,
        403,
        'CSRF_TOKEN_INVALID',
        'a change made with the session cookie needs its X-CSRF-Token header',
      );
      return;
    }
    if (!roleAllows(caller.principal.role, permission)) {
      await refuse(
        reply,
        403,
        'FORBIDDEN',
        `角色 ${caller.principal.role} 无权执行此操作 (the ${caller.principal.role} role may not do this: ${permission})`,
      );
      return;
    }
    request.admin = caller;
  };
  return handler;
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  {
    expected,
    failures,
    sessions,
    secureCookie,
  }: Omit<AdminGuardOptions, 'adminToken'> & { expected: Buffer },
): Promise<AdminCaller | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    if (match && timingSafeEqual(tokenDigest(match[1]!.trim()), expected))
      return { principal: TOKEN_PRINCIPAL };
    // Only a token that was tried and wrong is a guess; a request without one cannot succeed.
    if (match) failures?.hit(request.ip);
    reply.header('WWW-Authenticate', 'Bearer');
    await refuse(reply, 401, 'UNAUTHORIZED', 'a valid token is required');
    return undefined;
  }
  const sessionId = adminSessionIdOf(request, secureCookie);
  const resumed = sessionId === undefined ? undefined : await sessions?.resume(sessionId);
  if (sessionId !== undefined && resumed) {
    return { principal: resumed.principal, sessionId, csrfToken: resumed.csrfToken };
  }
  // An ended session's cookie is cleared, so the page shows the sign-in form instead of retrying.
  if (sessionId !== undefined) reply.header('Set-Cookie', adminCookie('', 0, secureCookie));
  reply.header('WWW-Authenticate', 'Bearer');
  await refuse(reply, 401, 'UNAUTHORIZED', '请登录 (sign in, or send a valid bearer token)');
  return undefined;
}

function csrfMatches(request: FastifyRequest, csrfToken: string): boolean {
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string') return false;
  return timingSafeEqual(tokenDigest(sent), tokenDigest(csrfToken));
}

async function refuse(reply: FastifyReply, status: number, error: string, message: string): Promise<void> {
  await reply.status(status).send({ error, message });
}

/** Who acted and from where, for the use case to write into the audit log. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  if (!request.admin) throw new Error(`${request.method} ${request.url} passed no admin guard`);
  const agent = request.headers['user-agent'];
  return {
    principal: request.admin.principal,
    ip: request.ip,
    userAgent: typeof agent === 'string' ? agent.slice(0, 200) : '',
  };
}
