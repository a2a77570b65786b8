import { beforeAll, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS, ROLE_PERMISSIONS } from '../../src/domain/index.js';
import { routesOf } from '../../src/http/route-table.js';
import { adminPeople, type Role, type Session } from './admin-people.js';
import { json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('admin roles, the last owner and the audit log', adminRolesSuite);

/** The back office: `/api/admin/…` and the refund API. */
const BACK_OFFICE = /^\/api\/(admin(\/|$)|orders\/:orderNo\/refunds$)/;

function adminRolesSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    { trustProxy: true },
  );
  const people = adminPeople(() => demo);
  const sessions = {} as Record<Role, Session>;

  beforeAll(async () => {
    for (const role of ['owner', 'operator', 'viewer'] as const) {
      const user = await people.createUser(`${role}.one`, role);
      sessions[role] = await people.signIn(user.username, user.password, `203.0.113.${role.length}`);
    }
  });

  it('every back-office route declares a permission of the role table, and refuses an anonymous caller', async () => {
    const routes = routesOf(demo.service.app).filter((r) => BACK_OFFICE.test(r.url));
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const permission = route.config?.permission;
      expect(permission, `${route.method} ${route.url}`).toBeDefined();
      if (permission === 'public') continue;
      expect(ADMIN_PERMISSIONS, `${route.method} ${route.url}`).toContain(permission);
      const path = route.url.replace(':orderNo', 'ANY_ORDER_1').replace(':id', 'usr_0000000000000000');
      const anonymous = await json(`${demo.url}${path}`, { method: route.method });
      expect(anonymous.status, `${route.method} ${path}`).toBe(401);
    }
    expect(
      routes.filter((r) => r.config?.permission === 'public').map((r) => `${r.method} ${r.url}`),
    ).toEqual(['POST /api/admin/session']);
  });

  it('each role can do all the one below it can', () => {
    expect(ROLE_PERMISSIONS.operator).toEqual(expect.arrayContaining([...ROLE_PERMISSIONS.viewer]));
    expect(ROLE_PERMISSIONS.owner).toEqual(expect.arrayContaining([...ROLE_PERMISSIONS.operator]));
    expect([...ROLE_PERMISSIONS.owner].sort()).toEqual([...ADMIN_PERMISSIONS].sort());
  });

  it('viewer reads everything but may not refund, close, resend, query WeChat or manage', async () => {
    const orderNo = await people.paidOrder();
    const viewer = sessions.viewer;
    for (const path of [
      '/api/admin/orders',
      `/api/admin/orders/${orderNo}`,
      '/api/admin/refunds',
      `/api/orders/${orderNo}/refunds`,
      '/api/admin/stats',
      '/api/admin/products',
      '/api/admin/webhooks',
      '/api/admin/audit',
      '/api/admin/me',
    ]) {
      expect((await people.asUser(viewer, path)).status, path).toBe(200);
    }
    const refused: [string, string, unknown?][] = [
      ['POST', `/api/orders/${orderNo}/refunds`, { amount: 1 }],
      ['POST', `/api/admin/orders/${orderNo}/close`],
      ['POST', `/api/admin/orders/${orderNo}/query`],
      ['POST', `/api/admin/orders/${orderNo}/notifications/resend`],
      ['POST', '/api/admin/products', { id: 'viewer-product', name: 'No', price: 1 }],
      ['GET', '/api/admin/users'],
      [
        'POST',
        '/api/admin/users',
        { username: 'viewer.made', password: 'viewer-made-password', role: 'owner' },
      ],
    ];
    for (const [method, path, body] of refused) {
      const answer = await people.asUser(viewer, path, method, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).toMatchObject({ error: 'FORBIDDEN' });
    }
    expect(await people.stateOf(orderNo)).toBe('PAID');
    expect((await people.asToken<unknown[]>(`/api/orders/${orderNo}/refunds`)).body).toEqual([]);
  });

  it('operator refunds, closes and resends, but may not manage products or users', async () => {
    const operator = sessions.operator;
    const paid = await people.paidOrder();
    const refund = await people.asUser<{ state: string }>(operator, `/api/orders/${paid}/refunds`, 'POST', {
      amount: 100,
      reason: '破损 broken cup',
    });
    expect(refund.status).toBe(201);
    const unpaid = await people.unpaidOrder();
    expect((await people.asUser(operator, `/api/admin/orders/${unpaid}/close`, 'POST')).status).toBe(200);
    expect(
      (await people.asUser(operator, `/api/admin/orders/${paid}/notifications/resend`, 'POST')).status,
    ).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/admin/products', { id: 'operator-product', name: 'No', price: 1 }],
      ['PATCH', '/api/admin/products/demo-coffee', { price: 1 }],
      ['GET', '/api/admin/users'],
    ] as const) {
      const answer = await people.asUser(operator, path, method, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    const coffee = (await people.asToken<{ id: string; price: number }[]>('/api/admin/products')).body.find(
      (p) => p.id === 'demo-coffee',
    );
    expect(coffee?.price).not.toBe(1);
  });

  it('owner manages users and products; a role change applies to a signed-in session at once', async () => {
    const owner = sessions.owner;
    const created = await people.asUser<{ id: string }>(owner, '/api/admin/users', 'POST', {
      username: 'promoted.he',
      password: 'promoted-password',
      role: 'viewer',
    });
    expect(created.status).toBe(201);
    const promoted = await people.signIn('promoted.he', 'promoted-password');
    const unpaid = await people.unpaidOrder();
    expect((await people.asUser(promoted, `/api/admin/orders/${unpaid}/close`, 'POST')).status).toBe(403);
    const changed = await people.asUser(owner, `/api/admin/users/${created.body.id}`, 'PATCH', {
      role: 'operator',
    });
    expect(changed.body).toMatchObject({ role: 'operator' });
    expect((await people.asUser(promoted, `/api/admin/orders/${unpaid}/close`, 'POST')).status).toBe(200);
    const taken = await people.asUser(owner, '/api/admin/users', 'POST', {
      username: 'PROMOTED.HE',
      password: 'another-password',
      role: 'owner',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'USERNAME_TAKEN' });
    const product = await people.asUser(owner, '/api/admin/products', 'POST', {
      id: 'owner-tea',
      name: 'Owner tea',
      price: 1200,
    });
    expect(product.status).toBe(201);
  });

  it('the last enabled owner can be neither demoted nor disabled; with another owner it can', async () => {
    const users = (await people.asToken<{ id: string; username: string; role: string }[]>('/api/admin/users'))
      .body;
    const first = users.find((u) => u.username === 'owner.one')!;
    for (const change of [{ role: 'operator' }, { role: 'viewer' }, { disabled: true }]) {
      const refused = await people.asToken(`/api/admin/users/${first.id}`, 'PATCH', change);
      expect(refused.status, JSON.stringify(change)).toBe(409);
      expect(refused.body).toMatchObject({ error: 'LAST_OWNER' });
    }
    // Neither by the owner themself.
    const self = await people.asUser(sessions.owner, `/api/admin/users/${first.id}`, 'PATCH', {
      role: 'viewer',
    });
    expect(self.status).toBe(409);
    const second = await people.createUser('owner.two', 'owner');
    // Two owners demoting each other at once: exactly one wins.
    const both = await Promise.all([
      people.asToken(`/api/admin/users/${first.id}`, 'PATCH', { role: 'operator' }),
      people.asToken(`/api/admin/users/${second.id}`, 'PATCH', { role: 'operator' }),
    ]);
    expect(both.map((a) => a.status).sort()).toEqual([200, 409]);
    const owners = (
      await people.asToken<{ role: string; disabled: boolean }[]>('/api/admin/users')
    ).body.filter((u) => u.role === 'owner' && !u.disabled);
    expect(owners).toHaveLength(1);
    // Put things back for the tests after this one.
    await people.asToken(`/api/admin/users/${first.id}`, 'PATCH', { role: 'owner' });
    sessions.owner = await people.signIn('owner.one', 'owner.one-password-1', '203.0.113.5');
  });

  it('disabling a user or resetting a password ends their sessions; the old password no longer signs in', async () => {
    const user = await people.createUser('reset.ma', 'operator');
    const session = await people.signIn(user.username, user.password);
    const reset = await people.asToken(`/api/admin/users/${user.id}`, 'PATCH', {
      password: 'a-brand-new-password',
    });
    expect(reset.status).toBe(200);
    expect((await people.asUser(session, '/api/admin/me')).status).toBe(401);
    expect((await people.signInAnswer(user.username, user.password)).status).toBe(401);
    const again = await people.signIn(user.username, 'a-brand-new-password');
    expect((await people.asToken(`/api/admin/users/${user.id}`, 'PATCH', { disabled: true })).status).toBe(
      200,
    );
    expect((await people.asUser(again, '/api/admin/me')).status).toBe(401);
    expect((await people.signInAnswer(user.username, 'a-brand-new-password')).status).toBe(401);
    expect((await people.asToken(`/api/admin/users/${user.id}`, 'PATCH', { disabled: false })).status).toBe(
      200,
    );
    expect((await people.signInAnswer(user.username, 'a-brand-new-password')).status).toBe(200);
  });

  it('the audit log: refund, close, resend, sign-in and failed sign-in, user changes — who, what, from where, never a password', async () => {
    const operator = sessions.operator;
    const paid = await people.paidOrder();
    const refund = await people.asUser<{ refundNo: string }>(
      operator,
      `/api/orders/${paid}/refunds`,
      'POST',
      {
        amount: 250,
        reason: '少发 missing item',
      },
    );
    expect(refund.status).toBe(201);
    const unpaid = await people.unpaidOrder();
    await people.asUser(operator, `/api/admin/orders/${unpaid}/close`, 'POST');
    await people.asToken(`/api/admin/orders/${paid}/notifications/resend`, 'POST');
    await people.signInAnswer('operator.one', 'typed-the-wrong-password', '203.0.113.99');
    await people.signInAnswer('hunter2-in-the-name-field', 'x', '203.0.113.99');

    const { entries } = await people.audit('limit=200');
    const find = (action: string, target: string) =>
      entries.find((e) => e.action === action && e.target === target);
    expect(find('refund', `order ${paid}`)).toMatchObject({
      actor: 'operator.one',
      actorId: expect.stringMatching(/^usr_/),
      ip: operator.ip,
      userAgent: `people-test/${operator.ip}`,
      detail: `refund ${refund.body.refundNo}: ¥2.50 (250 fen); reason: 少发 missing item`,
    });
    expect(find('order.close', `order ${unpaid}`)).toMatchObject({
      actor: 'operator.one',
      detail: 'outcome CLOSED',
    });
    const resend = find('notification.resend', `order ${paid}`);
    expect(resend).toMatchObject({ actor: 'token', ip: '127.0.0.1' });
    expect(resend?.actorId).toBeUndefined();
    expect(find('session.sign-in', 'user operator.one')).toMatchObject({
      actor: 'operator.one',
      detail: 'role operator',
    });
    expect(find('session.sign-in-failed', 'user operator.one')).toMatchObject({
      detail: 'wrong password',
      ip: '203.0.113.99',
    });
    expect(find('session.sign-in-failed', 'unknown username')).toMatchObject({ actor: '(unknown)' });
    expect(find('user.update', 'user promoted.he')).toMatchObject({
      actor: 'owner.one',
      detail: 'role viewer → operator',
    });
    const resets = entries.filter((e) => e.action === 'user.update' && e.target === 'user reset.ma');
    expect(resets.map((e) => [e.actor, e.detail])).toEqual([
      ['token', 'enabled'],
      ['token', 'disabled'],
      ['token', 'password reset'],
    ]);
    expect(find('product.create', 'product owner-tea')).toMatchObject({
      detail: 'name Owner tea; price ¥12.00; stock unlimited; on sale',
    });
    const text = JSON.stringify(entries);
    for (const secret of [
      'typed-the-wrong-password',
      'hunter2',
      'a-brand-new-password',
      'password-1',
      demo.adminToken,
    ]) {
      expect(text).not.toContain(secret);
    }
    // Newest first; ids strictly fall.
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('the audit log filters by actor, action and time, and pages with a cursor without gaps or repeats', async () => {
    const all = (await people.audit('limit=200')).entries;
    const byOperator = (await people.audit('actor=operator.one&limit=200')).entries;
    expect(byOperator.length).toBeGreaterThan(2);
    expect(byOperator.every((e) => e.actor === 'operator.one')).toBe(true);
    expect(byOperator).toEqual(all.filter((e) => e.actor === 'operator.one'));
    const signIns = (await people.audit('action=session.sign-in&limit=200')).entries;
    expect(signIns.length).toBeGreaterThanOrEqual(3);
    expect(signIns.every((e) => e.action === 'session.sign-in')).toBe(true);
    expect((await people.audit('from=2999-01-01T00:00:00Z')).entries).toEqual([]);
    expect((await people.audit('to=2000-01-01T00:00:00Z')).entries).toEqual([]);

    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await people.audit(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      paged.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.map((e) => e.id));
  });
}
