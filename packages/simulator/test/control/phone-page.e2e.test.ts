import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  hasChromium,
  launchChromium,
  warnIfNoChromium,
} from '../../../../e2e/support/headless-chromium.js';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

warnIfNoChromium('phone page e2e');

describe.skipIf(!hasChromium)('phone page in Chromium', () => {
  const suite = useControlSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('pays a v3 Native order from its code_url and shows the merchant ACK', async () => {
    const orderNo = outTradeNo('E2E');
    const { code_url } = await suite.nativeOrder({
      outTradeNo: orderNo,
      description: '浏览器测试 Browser test',
      total: 1234,
    });

    const page = await browser.newPage({ viewport: { width: 420, height: 760 }, deviceScaleFactor: 2 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${suite.sim.url}/_sim/phone?code_url=${encodeURIComponent(code_url)}`);

    await expect.poll(() => page.getByTestId('merchant-name').textContent()).toBe(suite.sim.merchant.name);
    expect(await page.getByTestId('amount').textContent()).toBe('¥12.34');
    expect(await page.getByTestId('state').textContent()).toContain('NOTPAY');
    expect(await page.getByTestId('description').textContent()).toBe('浏览器测试 Browser test');

    await page.getByTestId('user-select').selectOption('bob');
    await page.screenshot({ path: `${ARTIFACTS}phone-page-order.png`, fullPage: true });
    await page.getByTestId('pay').click();

    await page.getByTestId('result').waitFor({ state: 'visible' });
    const transactionId = (await page.getByTestId('transaction-id').textContent()) ?? '';
    expect(transactionId).toMatch(/^4200\d{24}$/);

    const attempt = page.getByTestId('attempt').first();
    await attempt.waitFor();
    await expect.poll(() => page.getByTestId('notify-status').first().textContent()).toBe('delivered');
    expect(await attempt.getByTestId('attempt-http').textContent()).toBe('204');
    expect(await attempt.getByTestId('attempt-ack').textContent()).toBe('ACK');

    const notification = await suite.merchant.next('TRANSACTION.SUCCESS');
    expect(notification.event_type).toBe('TRANSACTION.SUCCESS');
    expect(notification.resource).toMatchObject({
      out_trade_no: orderNo,
      transaction_id: transactionId,
      trade_state: 'SUCCESS',
      amount: { total: 1234 },
    });
    expect(suite.merchant.rejected).toEqual([]);

    const paid = await suite.client.transactions.queryByOutTradeNo(orderNo);
    expect(paid.trade_state).toBe('SUCCESS');

    // the choice of user survives a reload
    await page.reload();
    expect(await page.getByTestId('user-select').inputValue()).toBe('bob');
    await page.getByTestId('result').waitFor({ state: 'visible' });

    await page.screenshot({ path: `${ARTIFACTS}phone-page.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('shows why a payment is refused and keeps the order payable', async () => {
    const orderNo = outTradeNo('E2F');
    const { code_url } = await suite.nativeOrder({
      outTradeNo: orderNo,
      description: '余额不足 Too expensive for carol',
      total: 50_000,
    });
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(`${suite.sim.url}/_sim/phone`);
    await page.getByTestId('scan-input').fill(code_url);
    await page.getByTestId('scan-button').click();
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥500.00');

    await page.getByTestId('user-select').selectOption('carol');
    await page.getByTestId('pay').click();
    await expect.poll(() => page.getByTestId('action-notice').textContent()).toContain('NOT_ENOUGH');
    expect(await page.getByTestId('state').textContent()).toContain('NOTPAY');

    await page.getByTestId('fail').click();
    await page.getByTestId('result').waitFor({ state: 'visible' });
    expect(await page.getByTestId('result').textContent()).toContain('支付失败');
    expect((await suite.client.transactions.queryByOutTradeNo(orderNo)).trade_state).toBe('PAYERROR');

    // As in WeChat, the user may try again after a declined payment, this time with enough money.
    await page.getByTestId('retry').click();
    await page.getByTestId('result').waitFor({ state: 'hidden' });
    await page.getByTestId('user-select').selectOption('alice');
    await page.getByTestId('pay').click();
    await page.getByTestId('result').waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('result').textContent()).toContain('支付成功');
    expect(await page.getByTestId('retry').isHidden()).toBe(true);
    expect((await suite.client.transactions.queryByOutTradeNo(orderNo)).trade_state).toBe('SUCCESS');
    await page.close();
  });

  it('stands in for the JSAPI pay sheet: ?prepay_id= opens the order for its own payer', async () => {
    const bobOpenid = suite.sim.ctx.users.openid('bob', suite.sim.merchant.appid);
    const orderNo = outTradeNo('E2J');
    const { prepay_id } = await suite.jsapiOrder({
      outTradeNo: orderNo,
      description: '公众号支付 JSAPI',
      total: 1,
      openid: bobOpenid,
    });
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(`${suite.sim.url}/_sim/phone?prepay_id=${prepay_id}`);
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥0.01');
    expect(await page.getByTestId('user-select').inputValue()).toBe('bob');
    expect(await page.locator('#payer-notice').textContent()).toContain('bob');
    await page.getByTestId('pay').click();
    await page.getByTestId('result').waitFor({ state: 'visible' });
    expect((await suite.merchant.next('TRANSACTION.SUCCESS', orderNo)).resource).toMatchObject({
      payer: { openid: bobOpenid },
    });
    await page.close();
  });

  it('shows the console tables and moves the clock from its buttons', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${suite.sim.url}/_sim/console`);
    await expect.poll(() => page.locator('#merchants').textContent()).toContain(suite.sim.merchant.mchid);
    await expect.poll(() => page.locator('#orders tbody tr').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('#notifications').textContent()).toContain('TRANSACTION.SUCCESS');

    const offset = suite.sim.ctx.clock.offsetMs;
    await page.getByRole('button', { name: '+5 min' }).click();
    await expect.poll(() => suite.sim.ctx.clock.offsetMs).toBe(offset + 300_000);
    await expect.poll(() => page.locator('#clock-offset').textContent()).toContain('5:00');

    await page.selectOption('#order-state', 'PAYERROR');
    await expect.poll(() => page.locator('#orders tbody tr').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}console-page.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
