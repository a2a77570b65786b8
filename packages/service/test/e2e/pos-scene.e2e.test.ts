import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { adminPeople } from '../http/admin-people.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('till scene e2e');

/** The digits the simulated phone shows once tapped, spaces taken out: what a scanner would read. */
async function codeOnPhone(phone: Page): Promise<string> {
  const digits = phone.getByTestId('paycode-digits');
  await phone.locator('[data-testid=paycode-barcode] svg rect').first().waitFor();
  if ((await digits.getAttribute('data-revealed')) !== 'true') await digits.click();
  await expect.poll(() => digits.getAttribute('data-revealed')).toBe('true');
  const code = ((await digits.textContent()) ?? '').replace(/\s/g, '');
  expect(code).toMatch(/^1[0-5]\d{16}$/);
  return code;
}

/** The scanner: 18 digits typed into the focused field, then Enter. */
async function scan(till: Page, code: string): Promise<void> {
  expect(await till.evaluate('document.activeElement.id')).toBe('pos-code');
  await till.keyboard.type(code);
  await till.keyboard.press('Enter');
}

describe.skipIf(!hasChromium)('a till payment by payment code (付款码), till and phone in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo(
    (started) => {
      ({ demo, browser } = started);
    },
    // The cashier asks WeChat every 300 ms while the customer types, and reverses after 30 s.
    { pos: { pollMs: 300, deadlineMs: 30_000, storeId: 'STORE-E2E' } },
  );
  const people = adminPeople(() => demo);

  it('the till reads the code on the phone, the phone asks for the password, the till shows paid', async () => {
    const cashier = await people.createUser('wang.till', 'operator');
    // Every payment of bob's asks for the password, whatever the amount.
    const limit = await json(`${demo.simulator.url}/_sim/users/bob`, {
      method: 'PATCH',
      body: JSON.stringify({ passwordFreeFen: 0 }),
    });
    expect(limit.status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const errors: string[] = [];
    const till = await context.newPage();
    till.on('pageerror', (error) => errors.push(`till: ${error.message}`));
    await till.goto(`${demo.url}/pos`);
    await till.locator('#pos-username').fill(cashier.username);
    await till.locator('#pos-password').fill(cashier.password);
    await till.locator('#pos-signin button[type=submit]').click();
    await till.locator('#pos-till').waitFor();

    const phone = await context.newPage();
    phone.on('pageerror', (error) => errors.push(`phone: ${error.message}`));
    await phone.goto(`${demo.simulator.url}/_sim/phone`);
    await phone.getByTestId('user-select').selectOption('bob');
    await phone.getByTestId('paycode-open').click();
    const code = await codeOnPhone(phone);

    await till.bringToFront();
    for (const key of ['1', '2', '.', '3', '4'])
      await till.locator(`#pos-keypad [data-key="${key}"]`).click();
    expect(await till.getByTestId('pos-amount').textContent()).toBe('¥12.34');
    await scan(till, code);
    const status = till.getByTestId('pos-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('USERPAYING');
    expect(await till.getByTestId('pos-status-title').textContent()).toBe('等待顾客输入密码');
    expect(await till.getByTestId('pos-status-meta').textContent()).toContain(`${code.slice(0, 4)} ****`);
    expect(await till.getByTestId('pos-status-meta').textContent()).not.toContain(code);
    await till.screenshot({ path: `${ARTIFACTS}pos-waiting-for-password.png`, fullPage: true });

    await phone.bringToFront();
    await phone.getByTestId('pin-sheet').waitFor({ state: 'visible' });
    expect(await phone.getByTestId('pin-amount').textContent()).toBe('¥12.34');
    await phone.screenshot({ path: `${ARTIFACTS}pos-phone-password.png` });
    await phone.keyboard.type('246810');
    await phone.getByTestId('pin-sheet').waitFor({ state: 'hidden' });

    await till.bringToFront();
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('PAID');
    expect(await till.getByTestId('pos-status-title').textContent()).toBe('收款成功');
    await expect.poll(() => till.getByTestId('pos-status-meta').textContent()).toMatch(/4200\d{24}/);
    const orderNo = /订单号 (\S+)/.exec((await till.getByTestId('pos-status-meta').textContent()) ?? '')?.[1];
    const order = await json<{ state: string; amount: number; payType: string }>(
      `${demo.url}/api/orders/${orderNo}`,
    );
    expect(order.body).toMatchObject({ state: 'PAID', amount: 1234, payType: 'MICROPAY' });
    const entry = till.locator(`#pos-recent li[data-order-no="${orderNo}"]`);
    await expect.poll(() => entry.getAttribute('data-state')).toBe('PAID');
    await till.screenshot({ path: `${ARTIFACTS}pos-paid.png`, fullPage: true });

    // The same code again (a double scan), this time through API v2: spent, and the till says so in words.
    await till.getByTestId('pos-next').click();
    await till.locator('#pos-version [data-version="v2"]').click();
    expect(await till.getByTestId('pos-amount').textContent()).toBe('¥0.00');
    await till.locator('#pos-keypad [data-key="5"]').click();
    await scan(till, code);
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('PAYERROR');
    await expect
      .poll(() => till.getByTestId('pos-status-reason').textContent())
      .toBe('付款码无效或已使用，请顾客刷新后重扫（AUTH_CODE_INVALID）');
    expect(await till.getByTestId('pos-charge').isEnabled()).toBe(true);
    const spentNo = /订单号 (\S+)/.exec((await till.getByTestId('pos-status-meta').textContent()) ?? '')?.[1];
    const spent = await json<{ state: string; apiVersion: string }>(`${demo.url}/api/orders/${spentNo}`);
    expect(spent.body).toMatchObject({ state: 'PAYERROR', apiVersion: 'v2' });
    await till.screenshot({ path: `${ARTIFACTS}pos-code-spent.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a viewer may not take payments: the till says so and nothing is charged', async () => {
    const viewer = await people.createUser('sun.viewer', 'viewer');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${demo.url}/pos`);
    await page.locator('#pos-username').fill(viewer.username);
    await page.locator('#pos-password').fill(viewer.password);
    await page.locator('#pos-signin button[type=submit]').click();
    await page.locator('#pos-till').waitFor();
    await page.locator('#pos-keypad [data-key="8"]').click();
    const issued = await json<{ authCode: string }>(`${demo.simulator.url}/_sim/users/carol/payment-code`, {
      method: 'POST',
      body: '{}',
    });
    await scan(page, issued.body.authCode);
    await expect.poll(() => page.getByTestId('pos-status').getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('pos-status-reason').textContent()).toBe('当前账号无权收款（FORBIDDEN）');
    // Refused before any order: the code was never sent to WeChat and still pays once.
    expect(demo.simulator.ctx.paymentCodes.redeem(issued.body.authCode)).toEqual({ userId: 'carol' });
    await page.close();
  });
});

describe.skipIf(!hasChromium)('a till payment the customer never confirms, in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  // A deadline of 2 s instead of WeChat's 30: the till reverses the order while the sheet is open.
  useBrowserDemo(
    (started) => {
      ({ demo, browser } = started);
    },
    { pos: { pollMs: 200, deadlineMs: 2000, storeId: 'STORE-E2E' } },
  );
  const people = adminPeople(() => demo);

  it('is reversed at the deadline: the till says nothing was charged, the phone closes its sheet', async () => {
    const cashier = await people.createUser('zhao.till', 'operator');
    await json(`${demo.simulator.url}/_sim/users/alice`, {
      method: 'PATCH',
      body: JSON.stringify({ passwordFreeFen: 0 }),
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    const phone = await context.newPage();
    phone.on('pageerror', (error) => errors.push(`phone: ${error.message}`));
    await phone.goto(`${demo.simulator.url}/_sim/phone?view=paycode`);
    await phone.getByTestId('user-select').selectOption('alice');
    await expect.poll(() => phone.locator('#paycode-user').textContent()).toBe('alice');
    const code = await codeOnPhone(phone);

    const till = await context.newPage();
    till.on('pageerror', (error) => errors.push(`till: ${error.message}`));
    await till.goto(`${demo.url}/pos`);
    await till.locator('#pos-username').fill(cashier.username);
    await till.locator('#pos-password').fill(cashier.password);
    await till.locator('#pos-signin button[type=submit]').click();
    await till.locator('#pos-till').waitFor();
    await till.getByTestId('pos-mode-product').click();
    await till.locator('button[data-product-id="demo-coffee"]').click();
    await scan(till, code);
    const status = till.getByTestId('pos-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('USERPAYING');
    await phone.getByTestId('pin-sheet').waitFor({ state: 'visible' });
    expect(await phone.getByTestId('pin-amount').textContent()).toBe('¥9.90');

    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('REVERSED');
    expect(await till.getByTestId('pos-status-title').textContent()).toBe('已撤销，未扣款');
    await expect
      .poll(() => till.getByTestId('pos-status-reason').textContent())
      .toContain('REVERSED_AT_DEADLINE');
    await till.screenshot({ path: `${ARTIFACTS}pos-reversed.png`, fullPage: true });
    await phone.getByTestId('pin-sheet').waitFor({ state: 'hidden' });
    expect(await phone.getByTestId('paycode-notice').textContent()).toBe('收银台已撤销或关闭这笔订单');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
