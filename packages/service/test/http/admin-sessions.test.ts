import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../../src/service-app.js';
import { adminPeople, type MeBody } from './admin-people.js';
import { json, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('admin sign-in and sessions', adminSessionsSuite);

const FAILURES_ALLOWED = 20;

function adminSessionsSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    {
      trustProxy: true,
      limits: {
        orders: { max: 0, windowMs: 60_000 },
        authFailures: { max: FAILURES_ALLOWED, windowMs: 60_000 },
        notifyFailures: { max: 0, windowMs: 60_000 },
      },
    },
  );
  const people = adminPeople(() => demo);

  it('a user signs in: an HttpOnly, SameSite=Strict session cookie, a CSRF token, /me says who and what role', async () => {
    const user = await people.createUser('ops.wang', 'operator');
    const answer = await people.signInAnswer('Ops.Wang', user.password);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      kind: 'user',
      username: 'ops.wang',
      role: 'operator',
      permissions: ['read', 'refund', 'close', 'resend', 'reconcile', 'pos'],
    });
    expect(answer.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [cookie] = answer.headers.getSetCookie();
    const attributes = cookie!.split(/;\s*/);
    expect(attributes[0]).toMatch(/^wxpay_admin=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(
      expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${12 * 3600}`]),
    );
    // Plain HTTP (the demo): a Secure cookie would never be sent back.
    expect(attributes).not.toContain('Secure');
    // The cookie's value is not what the server stored, and not the CSRF token.
    expect(attributes[0]).not.toContain(answer.body.csrfToken);

    const session = {
      cookie: attributes[0]!,
      csrfToken: answer.body.csrfToken!,
      setCookie: cookie!,
      ip: '192.0.2.1',
    };
    const me = await people.asUser<MeBody>(session, '/api/admin/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', username: 'ops.wang', role: 'operator' });
    expect(me.body.csrfToken).toBe(answer.body.csrfToken);
    const asToken = await people.asToken<MeBody>('/api/admin/me');
    expect(asToken.body).toMatchObject({ kind: 'token', username: 'token', role: 'owner' });
    expect(asToken.body.permissions).toContain('users.manage');
    expect(asToken.body.csrfToken).toBeUndefined();
  });

  it('sign-out revokes the session on the server: the same cookie is refused afterwards', async () => {
    const user = await people.createUser('signout.li', 'viewer');
    const session = await people.signIn(user.username, user.password);
    expect((await people.asUser(session, '/api/admin/orders')).status).toBe(200);
    const out = await people.asUser(session, '/api/admin/session', 'DELETE');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^wxpay_admin=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/,
    );
    const after = await people.asUser(session, '/api/admin/orders');
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: 'UNAUTHORIZED' });
    // A forged cookie of the right shape gets in no more than a stale one.
    const forged = { ...session, cookie: `wxpay_admin=${'A'.repeat(43)}` };
    expect((await people.asUser(forged, '/api/admin/me')).status).toBe(401);
  });

  it('unknown user, wrong password, disabled user: one 401 SIGN_IN_FAILED, in about the same time', async () => {
    const user = await people.createUser('timing.zhao', 'viewer');
    const disabled = await people.createUser('gone.qian', 'viewer');
    expect(
      (await people.asToken(`/api/admin/users/${disabled.id}`, 'PATCH', { disabled: true })).status,
    ).toBe(200);
    const timed = async (username: string, password: string, ip: string) => {
      const started = performance.now();
      const answer = await people.signInAnswer(username, password, ip);
      const ms = performance.now() - started;
      expect(answer.status, username).toBe(401);
      expect(answer.body).toEqual({
        error: 'SIGN_IN_FAILED',
        message: '用户名或密码错误 (wrong username or password)',
      });
      expect(answer.headers.getSetCookie()).toEqual([]);
      return ms;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await timed('no.such.user', 'some-password', '192.0.2.10'));
      wrong.push(await timed(user.username, 'not-the-password', '192.0.2.11'));
    }
    await timed(disabled.username, disabled.password, '192.0.2.12');
    // Without a dummy hash an unknown name answers many times faster than a real verification.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
    expect(median(wrong)).toBeGreaterThan(median(unknown) * 0.4);
  });

  it('failed sign-ins are rate limited per client: then 429 with Retry-After even for the right password', async () => {
    const user = await people.createUser('limited.sun', 'viewer');
    const ip = '198.51.100.7';
    for (let i = 0; i < FAILURES_ALLOWED; i++) {
      expect((await people.signInAnswer(user.username, 'wrong-password', ip)).status).toBe(401);
    }
    const limited = await people.signInAnswer(user.username, user.password, ip);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.getSetCookie()).toEqual([]);
    // Wrong passwords and wrong tokens are one count: the token is refused from there too.
    const withToken = await json(`${demo.url}/api/admin/orders`, {
      headers: { Authorization: `Bearer ${demo.adminToken}`, 'X-Forwarded-For': ip },
    });
    expect(withToken.status).toBe(429);
    // Another client is not affected.
    expect((await people.signInAnswer(user.username, user.password, '198.51.100.8')).status).toBe(200);
  });

  it('CSRF: a change made with the cookie needs X-CSRF-Token; without or wrong → 403, nothing changed', async () => {
    const user = await people.createUser('csrf.zhou', 'operator');
    const session = await people.signIn(user.username, user.password);
    const orderNo = await people.unpaidOrder();
    const close = `/api/admin/orders/${orderNo}/close`;
    for (const csrf of [null, '', 'x'.repeat(43), session.csrfToken.slice(1)]) {
      const refused = await people.asUser(session, close, 'POST', undefined, csrf);
      expect(refused.status, String(csrf)).toBe(403);
      expect(refused.body).toMatchObject({ error: 'CSRF_TOKEN_INVALID' });
    }
    // Another session's token does not fit this session.
    const other = await people.signIn(user.username, user.password);
    expect((await people.asUser(session, close, 'POST', undefined, other.csrfToken)).status).toBe(403);
    expect(await people.stateOf(orderNo)).toBe('NOTPAY');
    // Reading needs none.
    expect(
      (await people.asUser(session, `/api/admin/orders/${orderNo}`, 'GET', undefined, null)).status,
    ).toBe(200);
    const closed = await people.asUser<{ outcome: string }>(session, close, 'POST');
    expect(closed.status).toBe(200);
    expect(closed.body.outcome).toBe('CLOSED');
    // The bearer token is no browser credential: no CSRF token needed.
    const another = await people.unpaidOrder();
    expect((await people.asToken(`/api/admin/orders/${another}/close`, 'POST')).status).toBe(200);
  });

  it('a session left idle for 30 minutes ends; one in use goes on', async () => {
    const user = await people.createUser('idle.wu', 'viewer');
    const idle = await people.signIn(user.username, user.password);
    const busy = await people.signIn(user.username, user.password);
    const advance = (minutes: number) =>
      json(`${demo.simulator.url}/_sim/clock/advance`, { method: 'POST', body: JSON.stringify({ minutes }) });
    await advance(20);
    expect((await people.asUser(busy, '/api/admin/me')).status).toBe(200);
    await advance(20);
    expect((await people.asUser(busy, '/api/admin/me')).status).toBe(200);
    const ended = await people.asUser(idle, '/api/admin/me');
    expect(ended.status).toBe(401);
    // The ended session's cookie is cleared, so the page shows the sign-in form.
    expect(ended.headers.getSetCookie()[0]).toMatch(/^wxpay_admin=; Path=\/; Max-Age=0/);
  });
}

describe('the admin session cookie over HTTPS', () => {
  it('is Secure and __Host- prefixed when the service is public over https', async () => {
    const demo = await startTestDemo('sqlite');
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-admin-https-'));
    const service = await createServiceApp({
      ...demo.service.config,
      publicUrl: 'https://shop.example.com',
      secureCookies: undefined,
      dataDir,
      port: 0,
    });
    try {
      const base = await service.start();
      const token = { Authorization: `Bearer ${demo.adminToken}` };
      const created = await json(`${base}/api/admin/users`, {
        method: 'POST',
        headers: token,
        body: JSON.stringify({ username: 'tls.owner', password: 'tls-owner-password', role: 'owner' }),
      });
      expect(created.status).toBe(201);
      const answer = await json<MeBody>(`${base}/api/admin/session`, {
        method: 'POST',
        body: JSON.stringify({ username: 'tls.owner', password: 'tls-owner-password' }),
      });
      const [cookie] = answer.headers.getSetCookie();
      const attributes = cookie!.split(/;\s*/);
      expect(attributes[0]).toMatch(/^__Host-wxpay_admin=/);
      expect(attributes).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']));
      expect(attributes.some((a) => a.startsWith('Domain'))).toBe(false);
      const me = await json<MeBody>(`${base}/api/admin/me`, { headers: { Cookie: attributes[0]! } });
      expect(me.body).toMatchObject({ kind: 'user', username: 'tls.owner', role: 'owner' });
    } finally {
      await service.stop();
      await demo.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
