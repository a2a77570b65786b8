import type { FastifyRequest } from 'fastify';
import { cookiesOf } from './wechat-sessions.js';

/** `__Host-` (only over HTTPS): the browser then refuses the cookie from a sibling subdomain or another path. */
export function adminCookieName(secure: boolean): string {
  return secure ? '__Host-wxpay_admin' : 'wxpay_admin';
}

/**
 * The admin session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Secure over HTTPS and in production, for the whole origin (the refund API lives
 * outside `/api/admin`). An empty value with age 0 deletes it.
 */
export function adminCookie(sessionId: string, maxAgeMs: number, secure: boolean): string {
  const parts = [
    `${adminCookieName(secure)}=${sessionId}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The session id the request's cookie carries, when it is one's shape. */
export function adminSessionIdOf(request: FastifyRequest, secure: boolean): string | undefined {
  const value = cookiesOf(request)[adminCookieName(secure)];
  return value !== undefined && SESSION_ID.test(value) ? value : undefined;
}
