import { expect } from 'vitest';
import { eventually, json, type TestDemo } from './demo-harness.js';

/** Helpers of the admin-users tests: users made with the token, cookie sessions, paid orders. */

export type Role = 'owner' | 'operator' | 'viewer';
export type UserBody = { id: string; username: string; role: Role; disabled: boolean; error?: string };
export type MeBody = {
  kind: 'user' | 'token';
  username: string;
  role: Role;
  permissions: string[];
  csrfToken?: string;
  error?: string;
};
export type AuditBody = {
  entries: {
    id: number;
    at: string;
    actor: string;
    actorId?: string;
    action: string;
    target: string;
    detail: string;
    ip: string;
    userAgent: string;
  }[];
  nextCursor?: string;
};

export interface Session {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  ip: string;
}

export function adminPeople(demo: () => TestDemo) {
  const token = () => ({ Authorization: `Bearer ${demo().adminToken}` });
  const url = (path: string) => `${demo().url}${path}`;

  /** As the admin token (the bootstrap owner). */
  const asToken = <T = Record<string, unknown>>(path: string, method = 'GET', body?: unknown) =>
    json<T>(url(path), {
      method,
      headers: token(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function createUser(username: string, role: Role, password = `${username}-password-1`) {
    const created = await asToken<UserBody>('/api/admin/users', 'POST', { username, password, role });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { ...created.body, password };
  }

  /** A sign-in from `ip` (the demo trusts X-Forwarded-For), answered as is. */
  async function signInAnswer(username: string, password: string, ip = '192.0.2.1') {
    return json<MeBody & { expiresAt: string }>(url('/api/admin/session'), {
      method: 'POST',
      body: JSON.stringify({ username, password }),
      headers: { 'X-Forwarded-For': ip, 'User-Agent': `people-test/${ip}` },
    });
  }

  async function signIn(username: string, password: string, ip = '192.0.2.1'): Promise<Session> {
    const answer = await signInAnswer(username, password, ip);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const setCookie = answer.headers.getSetCookie().find((c) => c.startsWith('wxpay_admin='))!;
    expect(setCookie).toBeDefined();
    return {
      cookie: setCookie.split(';')[0]!,
      csrfToken: answer.body.csrfToken!,
      setCookie,
      ip,
    };
  }

  /** As a signed-in user: the cookie, and the CSRF token on changes unless `csrf` says otherwise. */
  const asUser = <T = Record<string, unknown>>(
    session: Session,
    path: string,
    method = 'GET',
    body?: unknown,
    csrf: string | null = session.csrfToken,
  ) =>
    json<T>(url(path), {
      method,
      headers: {
        Cookie: session.cookie,
        'X-Forwarded-For': session.ip,
        'User-Agent': `people-test/${session.ip}`,
        ...(method !== 'GET' && csrf !== null ? { 'X-CSRF-Token': csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function audit(query = '') {
    const page = await asToken<AuditBody>(`/api/admin/audit${query ? `?${query}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return page.body;
  }

  async function unpaidOrder(): Promise<string> {
    const created = await json<{ orderNo: string }>(url('/api/orders'), {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    expect(created.status).toBe(201);
    return created.body.orderNo;
  }

  async function paidOrder(): Promise<string> {
    const orderNo = await unpaidOrder();
    const paid = await json(`${demo().simulator.url}/_sim/orders/${orderNo}/pay`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(paid.status).toBe(200);
    await eventually(async () => ((await stateOf(orderNo)) === 'PAID' ? true : undefined));
    return orderNo;
  }

  async function stateOf(orderNo: string): Promise<string> {
    return (await json<{ state: string }>(url(`/api/orders/${orderNo}`))).body.state;
  }

  return { asToken, asUser, createUser, signIn, signInAnswer, audit, unpaidOrder, paidOrder, stateOf };
}
