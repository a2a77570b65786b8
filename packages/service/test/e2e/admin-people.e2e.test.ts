import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { adminPeople } from '../http/admin-people.js';
import type { TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin people e2e');

describe.skipIf(!hasChromium)('admin users, roles and the audit log in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });
  const people = adminPeople(() => demo);

  async function signedInPage(username: string, password: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/admin`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await page.locator('#signin button[type=submit]').click();
    await page.locator('#rows tr[data-order-no]').first().waitFor();
    return { page, errors };
  }

  async function openOrder(page: Page, orderNo: string) {
    await page.locator('#q').fill(orderNo);
    await page.locator('#order-filters button[type=submit]').click();
    await page.locator(`#rows tr[data-order-no="${orderNo}"]`).click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#detail').getAttribute('data-state')).toBe('PAID');
  }

  it('a viewer sees no refund; an operator refunds; the owner manages users; the audit log tells who did what', async () => {
    const owner = await people.createUser('mei.owner', 'owner');
    const operator = await people.createUser('op.chen', 'operator');
    const viewer = await people.createUser('view.lin', 'viewer');
    const orderNo = await people.paidOrder();

    // A wrong password: the form says so, and nothing is let in.
    const first = await browser.newPage();
    await first.goto(`${demo.url}/admin`);
    await first.locator('#username').fill(viewer.username);
    await first.locator('#password').fill('not-the-password');
    await first.locator('#signin button[type=submit]').click();
    await expect.poll(() => first.locator('#signin-error').textContent()).toContain('用户名或密码错误');
    expect(await first.locator('#console').isHidden()).toBe(true);
    await first.screenshot({ path: `${ARTIFACTS}admin-sign-in.png` });
    await first.close();

    // Viewer: reads the order, is offered no refund, close, query or Users tab.
    const asViewer = await signedInPage(viewer.username, viewer.password);
    expect(await asViewer.page.locator('#whoami').textContent()).toBe('view.lin · 查看员');
    expect(await asViewer.page.locator('[data-tab=users]').isHidden()).toBe(true);
    const cookies = await asViewer.page.context().cookies();
    expect(cookies.find((c) => c.name === 'wxpay_admin')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    // The page's script cannot read the session.
    expect(await asViewer.page.evaluate('document.cookie')).not.toContain('wxpay_admin');
    await openOrder(asViewer.page, orderNo);
    expect(await asViewer.page.locator('#refund-form').isHidden()).toBe(true);
    expect(await asViewer.page.locator('#query-now').isHidden()).toBe(true);
    expect(await asViewer.page.locator('#resend').isHidden()).toBe(true);
    await asViewer.page.screenshot({ path: `${ARTIFACTS}admin-viewer-detail.png` });
    // The server is the authority: the same refund sent by hand is refused.
    const forced = await asViewer.page.evaluate(`(async () => {
      const me = await (await fetch('/api/admin/me')).json();
      const r = await fetch('/api/orders/${orderNo}/refunds', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken },
        body: JSON.stringify({ amount: 100 }),
      });
      return { status: r.status, body: await r.json() };
    })()`);
    expect(forced).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    await asViewer.page.locator('#detail-close').click();
    await asViewer.page.locator('#logout').click();
    await asViewer.page.locator('#signin').waitFor();
    expect(await asViewer.page.context().cookies()).toEqual([]);
    expect(asViewer.errors).toEqual([]);

    // Operator: refunds through the drawer, as the token could.
    const asOperator = await signedInPage(operator.username, operator.password);
    expect(await asOperator.page.locator('#whoami').textContent()).toBe('op.chen · 操作员');
    await openOrder(asOperator.page, orderNo);
    await asOperator.page.locator('#refund-amount').fill('1.00');
    await asOperator.page.locator('#refund-reason').fill('少发 missing item');
    await asOperator.page.locator('#refund-submit').click();
    await asOperator.page.locator('#refund-confirm-yes').click();
    await asOperator.page.locator('#detail-refunds tr[data-refund-no]').waitFor();
    await asOperator.page.screenshot({ path: `${ARTIFACTS}admin-operator-refund.png` });
    expect((await people.asToken<unknown[]>(`/api/orders/${orderNo}/refunds`)).body).toHaveLength(1);
    await asOperator.page.locator('#detail-close').click();
    // No Users tab, and the products tab offers no changes.
    expect(await asOperator.page.locator('[data-tab=users]').isHidden()).toBe(true);
    await asOperator.page.locator('[data-tab=products]').click();
    await asOperator.page.locator('#product-rows tr[data-product-id="demo-coffee"]').waitFor();
    expect(await asOperator.page.locator('#new-product').isHidden()).toBe(true);
    expect(await asOperator.page.locator('#product-rows button').count()).toBe(0);
    expect(asOperator.errors).toEqual([]);

    // Owner: the Users tab adds a user, changes a role, and is refused demoting the last owner.
    const asOwner = await signedInPage(owner.username, owner.password);
    const { page } = asOwner;
    await page.locator('[data-tab=users]').click();
    await page.locator('#user-rows tr[data-username="mei.owner"]').waitFor();
    await page.locator('#new-user-name').fill('new.staff');
    await page.locator('#new-user-password').fill('new-staff-password');
    await page.locator('#new-user-role').selectOption('viewer');
    await page.locator('#new-user button[type=submit]').click();
    const staff = page.locator('#user-rows tr[data-username="new.staff"]');
    await staff.waitFor();
    await staff.locator('select.role-select').selectOption('operator');
    await expect.poll(() => staff.getAttribute('data-role')).toBe('operator');
    await page.locator('#user-rows tr[data-username="mei.owner"] select.role-select').selectOption('viewer');
    await expect.poll(() => page.locator('#user-error').textContent()).toContain('LAST_OWNER');
    expect(await page.locator('#user-rows tr[data-username="mei.owner"]').getAttribute('data-role')).toBe(
      'owner',
    );
    await page.screenshot({ path: `${ARTIFACTS}admin-users.png` });
    // A reload keeps the session, and gets the CSRF token back for the next change.
    await page.reload();
    await page.locator('#rows tr[data-order-no]').first().waitFor();
    expect(await page.locator('#whoami').textContent()).toBe('mei.owner · 所有者');
    await page.locator('[data-tab=users]').click();
    await staff.locator('select.role-select').selectOption('viewer');
    await expect.poll(() => staff.getAttribute('data-role')).toBe('viewer');

    // The audit tab: the refund by op.chen, the sign-ins, the failed one, the user changes.
    await page.locator('[data-tab=audit]').click();
    const refundRow = page.locator('#audit-rows tr[data-action="refund"]');
    await refundRow.waitFor();
    expect(await refundRow.getAttribute('data-actor')).toBe('op.chen');
    expect(await refundRow.textContent()).toContain(orderNo);
    expect(await refundRow.textContent()).toContain('¥1.00');
    for (const action of [
      'session.sign-in',
      'session.sign-in-failed',
      'session.sign-out',
      'user.create',
      'user.update',
    ]) {
      expect(await page.locator(`#audit-rows tr[data-action="${action}"]`).count(), action).toBeGreaterThan(
        0,
      );
    }
    await page.screenshot({ path: `${ARTIFACTS}admin-audit.png` });
    await page.locator('#audit-action').selectOption('refund');
    await page.locator('#audit-filters button[type=submit]').click();
    await expect.poll(() => page.locator('#audit-rows tr[data-action="session.sign-in"]').count()).toBe(0);
    expect(await page.locator('#audit-rows tr[data-action="refund"]').count()).toBe(1);
    expect(asOwner.errors).toEqual([]);
  });

  it('the admin token still signs in, as the owner', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}/admin`);
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#rows tr[data-order-no]').first().waitFor();
    expect(await page.locator('#whoami').textContent()).toBe('管理员令牌 · 所有者');
    expect(await page.locator('[data-tab=users]').isVisible()).toBe(true);
    await page.close();
  });
});
