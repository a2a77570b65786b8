// Who works the till: a back-office user signed in with the admin sign-in (an HttpOnly session
// cookie the page never sees, and the CSRF token from the answer kept in memory and sent with each
// payment). What the role may do is the server's business; a 401 brings the sign-in form back.

let me = null;
let onSignedOut = () => {};

export class PosApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.wechatCode || body?.error || `HTTP_${status}`;
    this.body = body;
  }
}

/** The signed-in user, `{ username, role, csrfToken, … }` from the admin API, or null. */
export const cashier = () => me;

/** `listener(reason)` runs when the server no longer knows the session. */
export function whenSignedOut(listener) {
  onSignedOut = listener;
}

/** A JSON call with the session cookie, and the CSRF token on anything but GET. */
export async function posApi(path, init = {}) {
  const headers = { Accept: 'application/json' };
  if (init.body) headers['Content-Type'] = 'application/json';
  if (me?.csrfToken && init.method && init.method !== 'GET') headers['X-CSRF-Token'] = me.csrfToken;
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (response.ok) return body;
  if (response.status === 401 && me) {
    me = null;
    onSignedOut('pos.sessionEnded');
  }
  throw new PosApiError(response.status, body);
}

/** Whether this browser already has a session: `GET /api/admin/me`. */
export async function resumeSession() {
  try {
    me = await posApi('/api/admin/me');
  } catch {
    me = null;
  }
  return me;
}

export async function signIn(username, password) {
  me = await posApi('/api/admin/session', {
    method: 'POST',
    body: JSON.stringify({ username, password }),
  });
  return me;
}

export async function signOut() {
  await posApi('/api/admin/session', { method: 'DELETE' }).catch(() => {});
  me = null;
}
