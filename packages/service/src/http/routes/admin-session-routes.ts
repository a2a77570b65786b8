import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ADMIN_SESSION_MAX_MS,
  type AdminPrincipal,
  DomainError,
  ROLE_PERMISSIONS,
} from '../../domain/index.js';
import type { AdminAccessUseCases } from '../../use-cases/index.js';
import { MeSchema, SessionSchema, SignInBodySchema } from '../admin-access-schemas.js';
import { auditContextOf } from '../admin-guard.js';
import { adminCookie } from '../admin-session-cookie.js';
import { ErrorSchema } from '../api-schemas.js';
import type { ClientRateLimiter } from '../client-rate-limiter.js';

export interface AdminSessionRoutesOptions {
  access: Pick<AdminAccessUseCases, 'adminSessions'>;
  /** Failed sign-ins per client, shared with wrong bearer tokens. */
  authFailures?: ClientRateLimiter;
  secureCookie: boolean;
}

/** Signing in with a username and password, who am I, signing out. */
export const adminSessionRoutes: FastifyPluginAsyncTypebox<AdminSessionRoutesOptions> = async (
  app,
  { access, authFailures, secureCookie },
) => {
  const sessions = access.adminSessions;

  app.post(
    '/api/admin/session',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['admin'],
        body: SignInBodySchema,
        response: { 200: SessionSchema, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const wait = authFailures?.retryAfter(request.ip);
      if (wait !== undefined) {
        return reply
          .status(429)
          .header('Retry-After', String(wait))
          .send({ error: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins; retry in ${wait} s` });
      }
      const agent = request.headers['user-agent'];
      const from = { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 200) : '' };
      const opened = await sessions.signIn(request.body, from).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'SIGN_IN_FAILED') authFailures?.hit(request.ip);
        throw error;
      });
      const principal: AdminPrincipal = {
        kind: 'user',
        userId: opened.user.id,
        username: opened.user.username,
        role: opened.user.role,
      };
      return reply
        .header('Set-Cookie', adminCookie(opened.sessionId, ADMIN_SESSION_MAX_MS, secureCookie))
        .header('Cache-Control', 'no-store')
        .send({ ...meView(principal, opened.csrfToken), expiresAt: opened.expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/admin/me',
    { config: { permission: 'read' }, schema: { tags: ['admin'], response: { 200: MeSchema } } },
    async (request, reply) => {
      const caller = request.admin!;
      return reply.header('Cache-Control', 'no-store').send(meView(caller.principal, caller.csrfToken));
    },
  );

  app.delete(
    '/api/admin/session',
    { config: { permission: 'read' }, schema: { tags: ['admin'], response: { 204: Type.Null() } } },
    async (request, reply) => {
      const { sessionId } = request.admin!;
      if (sessionId !== undefined) {
        await sessions.signOut(sessionId, auditContextOf(request));
        reply.header('Set-Cookie', adminCookie('', 0, secureCookie));
      }
      return reply.status(204).send(null);
    },
  );
};

function meView(principal: AdminPrincipal, csrfToken: string | undefined) {
  return {
    kind: principal.kind,
    username: principal.kind === 'user' ? principal.username : 'token',
    ...(principal.kind === 'user' ? { userId: principal.userId } : {}),
    role: principal.role,
    permissions: [...ROLE_PERMISSIONS[principal.role]],
    ...(csrfToken === undefined ? {} : { csrfToken }),
  };
}
