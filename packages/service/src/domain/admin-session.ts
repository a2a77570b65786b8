import { createHash, randomBytes } from 'node:crypto';

/** A session ends this long after its last request… */
export const ADMIN_SESSION_IDLE_MS = 30 * 60_000;
/** …and this long after sign-in, however busy. */
export const ADMIN_SESSION_MAX_MS = 12 * 60 * 60_000;
/** `lastSeenAt` is written at most this often, not on every request. */
export const ADMIN_SESSION_TOUCH_MS = 60_000;

/** A fresh session id: 256 random bits, the cookie's value. Never stored. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a session id: its SHA-256, which cannot be turned back into a cookie. */
export function sessionKey(sessionId: string): string {
  return createHash('sha256').update(`session|${sessionId}`).digest('hex');
}

/**
 * The session's CSRF token (synchronizer pattern, derived instead of stored): only the holder of
 * the HttpOnly cookie's value can compute it, and only a page of our origin can read it (from the
 * sign-in answer or `GET /api/admin/me`), so a cross-site form cannot send it.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`csrf|${sessionId}`).digest('base64url');
}
