import { readFileSync } from 'node:fs';
import { buildV2PaymentNotification } from '@wechatpay-kit/sdk/testing';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { eventually, json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin e2e');

const XSS = '<img src=x onerror="window.__xss=1">';

type OrderBody = { orderNo: string; state: string; amount: number; refundedAmount: number };

describe.skipIf(!hasChromium)('admin console in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  const order = async (orderNo: string) => (await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body;
  const refundsAtWechat = async () =>
    (await json<{ outRefundNo: string; status: string }[]>(`${demo.simulator.url}/_sim/refunds`)).body;

  it('find a paid order, read its history and notification, refund part of it, see it settle; dashboard chart', async () => {
    const created = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-tea', payType: 'NATIVE' }),
    });
    const { orderNo } = created.body;
    // A forgery first (wrong key) whose body carries markup: refused, and shown only as text.
    const m = demo.simulator.merchant;
    const forged = buildV2PaymentNotification(
      {
        appid: m.appid,
        mch_id: m.mchid,
        out_trade_no: orderNo,
        transaction_id: '4200000000000000000000000666',
        total_fee: created.body.amount,
        attach: XSS,
      },
      'k'.repeat(32),
    );
    await fetch(`${demo.url}/api/notify/v2`, {
      method: 'POST',
      body: forged,
      headers: { 'Content-Type': 'text/xml' },
    });
    await json(`${demo.simulator.url}/_sim/orders/${orderNo}/pay`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice' }),
    });
    await eventually(async () => ((await order(orderNo)).state === 'PAID' ? true : undefined));

    // A browser far from China: the console must still show China time.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      timezoneId: 'America/Los_Angeles',
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${demo.url}/admin`);

    // Yuan → fen in the page's own module: a decimal string, never float arithmetic.
    // (A string, so the test runner's transform leaves the browser's import() alone.)
    const parsed = await page.evaluate(`import('/assets/admin-format.js').then((m) =>
      ['12.30', '0.29', '¥1.1', '7', '1.234', '-1', '1e3', '', '0.07'].map((t) => m.parseYuanToFen(t)))`);
    expect(parsed).toEqual([1230, 29, 110, 700, null, null, null, null, 7]);
    // China time, whatever zone the browser is in (this one is in Los Angeles).
    expect(
      await page.evaluate(
        `import('/assets/admin-format.js').then((m) => m.formatTime('2026-12-03T16:30:05.000Z'))`,
      ),
    ).toBe('2026-12-04 00:30:05');

    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#rows tr[data-order-no]').first().waitFor();

    await page.locator('#q').fill(orderNo.slice(0, -3));
    await page.locator('#order-filters button[type=submit]').click();
    const row = page.locator(`#rows tr[data-order-no="${orderNo}"]`);
    await row.waitFor();
    expect(
      await page.locator('#rows tr[data-order-no]').evaluateAll((rows) => rows.length),
    ).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${ARTIFACTS}admin-orders.png` });

    // By product and amount, as a merchant finds the order a buyer describes: "the tea, 68 yuan".
    await page.locator('#q').fill('');
    await page.locator('#product-filter').selectOption('demo-tea');
    await page.locator('#amount-filter').fill('68');
    await page.locator('#order-filters button[type=submit]').click();
    await row.waitFor();
    await page.locator('#amount-filter').fill('67.99');
    await page.locator('#order-filters button[type=submit]').click();
    await row.waitFor({ state: 'detached' });
    await page.locator('#amount-filter').fill('');
    await page.locator('#product-filter').selectOption('');
    await page.locator('#q').fill(orderNo.slice(0, -3));
    await page.locator('#order-filters button[type=submit]').click();
    await row.waitFor();

    // The export takes the same filters and downloads every matching order, not just this page.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^orders-\d{14}\.csv$/);
    const exported = readFileSync(await csv.path(), 'utf8');
    const exportedRows = exported.slice(1).trimEnd().split('\r\n');
    expect(exportedRows[0]).toContain('订单号 order_no');
    expect(exportedRows.slice(1).map((line) => line.split(',')[0])).toContain(orderNo);

    await row.click();
    const drawer = page.locator('#detail');
    await drawer.waitFor({ state: 'visible' });
    await expect.poll(() => drawer.getAttribute('data-state')).toBe('PAID');
    await expect.poll(() => page.locator('#detail-history li').count()).toBe(2);
    expect(await page.locator('#detail-history').textContent()).toContain('notify-v3');
    const notifications = page.locator('#detail-notifications details.notification');
    expect(await notifications.count()).toBe(2);
    const [rejected, genuine] = [notifications.nth(0), notifications.nth(1)];
    expect(await rejected.getAttribute('data-verified')).toBe('false');
    expect(await rejected.locator('.outcome').textContent()).toMatch(/^rejected/);
    await rejected.locator('summary').click();
    expect(await rejected.locator('pre.raw').last().textContent()).toContain(XSS);
    expect(await rejected.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await genuine.getAttribute('data-verified')).toBe('true');
    await genuine.locator('summary').click();
    expect(await genuine.locator('pre.raw').nth(-2).textContent()).toContain('"resource"');
    // Beside the encrypted body, what WeChat said, decrypted.
    const decrypted = (await genuine.locator('pre.decrypted').textContent()) ?? '';
    expect(decrypted).toContain(`"out_trade_no": "${orderNo}"`);
    expect(decrypted).toContain('"trade_state": "SUCCESS"');
    await page.screenshot({ path: `${ARTIFACTS}admin-detail.png` });

    // Bad amounts: a third decimal is refused in the page; more than was paid by the service.
    await page.locator('#refund-amount').fill('1.234');
    await page.locator('#refund-submit').click();
    await expect.poll(() => page.locator('#detail-error').textContent()).toContain('最多两位小数');
    await page.locator('#refund-amount').fill('999');
    await page.locator('#refund-submit').click();
    await expect.poll(() => page.locator('#detail-error').textContent()).toContain('最多可退');
    // A confirmation that is cancelled sends nothing.
    await page.locator('#refund-amount').fill('1.00');
    await page.locator('#refund-submit').click();
    await page.locator('#refund-confirm').waitFor();
    await page.locator('#refund-confirm-no').click();
    expect(await page.locator('#refund-confirm').isHidden()).toBe(true);
    expect(await refundsAtWechat()).toEqual([]);
    expect((await order(orderNo)).state).toBe('PAID');

    await page.locator('#refund-amount').fill('12.30');
    await page.locator('#refund-reason').fill('破损 damaged box');
    await page.locator('#refund-submit').click();
    const confirmText = (await page.locator('#refund-confirm-text').textContent()) ?? '';
    for (const shown of [orderNo, '¥12.30', '破损 damaged box']) expect(confirmText).toContain(shown);
    await page.screenshot({ path: `${ARTIFACTS}admin-refund-confirm.png` });
    expect(await refundsAtWechat()).toEqual([]);
    await page.locator('#refund-confirm-yes').click();
    const refundRow = page.locator('#detail-refunds tr[data-refund-no]');
    await refundRow.waitFor();
    const refundNo = (await refundRow.getAttribute('data-refund-no'))!;
    await expect.poll(() => refundRow.getAttribute('data-state')).toBe('PROCESSING');
    expect(await drawer.getAttribute('data-state')).toBe('REFUNDING');
    await page.screenshot({ path: `${ARTIFACTS}admin-refund-processing.png` });

    // WeChat settles the refund; the open drawer follows without a reload.
    const settle = await json(
      `${demo.simulator.url}/_sim/refunds/${demo.simulator.merchant.mchid}/${refundNo}/settle`,
      {
        method: 'POST',
        body: JSON.stringify({ outcome: 'SUCCESS' }),
      },
    );
    expect([200, 409]).toContain(settle.status);
    await expect.poll(() => refundRow.getAttribute('data-state'), { timeout: 15_000 }).toBe('SUCCESS');
    await expect
      .poll(() => drawer.getAttribute('data-state'), { timeout: 15_000 })
      .toBe('PARTIALLY_REFUNDED');
    expect(await refundRow.textContent()).toContain('¥12.30');
    // The notice followed the refund to its end, and the list behind the drawer followed the order.
    await expect
      .poll(() => page.locator('#detail-notice').textContent(), { timeout: 10_000 })
      .toContain('已退回买家');
    await expect
      .poll(() => page.locator(`#rows tr[data-order-no="${orderNo}"]`).textContent(), { timeout: 10_000 })
      .toContain('PARTIALLY_REFUNDED');
    expect(await order(orderNo)).toMatchObject({ state: 'PARTIALLY_REFUNDED', refundedAmount: 1230 });
    expect((await refundsAtWechat()).map((r) => r.outRefundNo)).toEqual([refundNo]);
    await page.screenshot({ path: `${ARTIFACTS}admin-refund-settled.png` });

    await page.locator('#detail-close').click();
    await page.locator('[data-tab=refunds]').click();
    await page.locator('#refund-rows tr.clickable').first().waitFor();
    expect(await page.locator('#refund-rows').textContent()).toContain(refundNo);

    await page.locator('[data-tab=dashboard]').click();
    const canvas = page.locator('#stats-chart');
    await canvas.waitFor({ state: 'visible' });
    await expect.poll(() => canvas.getAttribute('data-paid-orders')).not.toBeNull();
    type ChartGlobal = { Chart: { getChart(canvas: unknown): { data: { datasets: { data: number[] }[] } } } };
    const drawn = await canvas.evaluate((element) => {
      const chart = (globalThis as unknown as ChartGlobal).Chart.getChart(element);
      const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
      const [amount, paid] = chart.data.datasets;
      return { amount: sum(amount!.data), paid: sum(paid!.data) };
    });
    expect(drawn).toEqual({ amount: created.body.amount / 100, paid: 1 });
    // The figures over the chart: gross, the refund that settled, no fee before the day's bill, net.
    const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    expect(await page.locator('#stat-gross').textContent()).toBe(yuan(created.body.amount));
    expect(await page.locator('#stat-refunds').textContent()).toBe('¥12.30');
    expect(await page.locator('#stat-fees').textContent()).toBe('¥0.00');
    expect(await page.locator('#stat-net').textContent()).toBe(yuan(created.body.amount - 1230));
    expect(await page.locator('#stat-rate').textContent()).toMatch(/^\d+(\.\d)?%$/);
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.screenshot({ path: `${ARTIFACTS}admin-dashboard.png` });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
