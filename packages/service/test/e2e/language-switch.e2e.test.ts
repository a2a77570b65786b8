import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import type { TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('language switch e2e');

/** What `<html lang>` says and whether the 中文 / EN buttons agree with it. */
async function languageOf(page: Page): Promise<string> {
  const lang = await page.evaluate<string>('document.documentElement.lang');
  const pressed = lang === 'en' ? 'lang-en' : 'lang-zh';
  expect(await page.getByTestId(pressed).getAttribute('aria-pressed')).toBe('true');
  return lang;
}

describe.skipIf(!hasChromium)('the 中文 / EN switch in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('checkout: an English browser reads English; the switch turns the page and its open dialog to Chinese and back, and is remembered', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 420, height: 820 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/`);
    await page.locator('.card').first().waitFor();
    expect(await languageOf(page)).toBe('en');
    expect(await page.locator('main h2').textContent()).toBe('Products');
    expect(await page.locator('button[data-product-id="demo-tea"]').textContent()).toBe('Buy');
    expect(await page.getByTestId('my-orders-link').textContent()).toBe('My orders →');
    expect(await page.title()).toBe('Demo Shop · WeChat Pay');
    await page.screenshot({ path: `${ARTIFACTS}lang-checkout-en.png` });

    await page.getByTestId('lang-zh').click();
    expect(await languageOf(page)).toBe('zh-CN');
    expect(await page.locator('main h2').textContent()).toBe('商品');
    expect(await page.locator('button[data-product-id="demo-tea"]').textContent()).toBe('购买');
    expect(await page.title()).toBe('Demo Shop · 微信支付');
    await page.screenshot({ path: `${ARTIFACTS}lang-checkout-zh.png` });

    // The dialog's text, set while it is open, follows the switch too (no reload).
    await page.locator('button[data-product-id="demo-tea"]').click();
    await page.locator('#pay-qr-img').waitFor({ state: 'visible' });
    expect(await page.locator('#pay-title').textContent()).toBe('微信扫码支付');
    expect(await page.locator('#pay-order-no').textContent()).toMatch(/^订单号 \S+ · API v3$/);
    await page.locator('#pay-dialog [data-lang="en"]').click();
    expect(await page.locator('#pay-title').textContent()).toBe('Scan to pay');
    expect(await page.locator('#pay-order-no').textContent()).toMatch(/^Order \S+ · API v3$/);
    await page.screenshot({ path: `${ARTIFACTS}lang-checkout-dialog-en.png` });
    await page.locator('#pay-close').click();

    // The choice is stored: a reload keeps English over the browser's language.
    await page.getByTestId('lang-zh').click();
    await page.reload();
    await page.locator('.card').first().waitFor();
    expect(await languageOf(page)).toBe('zh-CN');
    await page.getByTestId('lang-en').click();
    await page.reload();
    await page.locator('.card').first().waitFor();
    expect(await languageOf(page)).toBe('en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('admin: tabs, table heads, who is signed in and the loaded rows switch to English and back', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/admin`);
    expect(await languageOf(page)).toBe('zh-CN');
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#console').waitFor({ state: 'visible' });
    expect(await page.locator('#whoami').textContent()).toBe('管理员令牌 · 所有者');
    expect(await page.locator('[data-tab=orders]').textContent()).toBe('订单');
    await page.screenshot({ path: `${ARTIFACTS}lang-admin-zh.png` });

    await page.getByTestId('lang-en').click();
    expect(await languageOf(page)).toBe('en');
    expect(await page.locator('#whoami').textContent()).toBe('Admin token · owner');
    expect(await page.locator('[data-tab=orders]').textContent()).toBe('Orders');
    expect(await page.locator('#tab-orders thead th').first().textContent()).toBe('Order');
    expect(await page.locator('#q').getAttribute('placeholder')).toBe('Order no. / transaction id / openid');
    await expect.poll(() => page.locator('#page-info').textContent()).toBe('Page 1');
    await page.locator('[data-tab=reconciliation]').click();
    await page.locator('.recon-weekday').first().waitFor();
    expect(await page.locator('.recon-weekday').first().textContent()).toBe('Mon');
    await page.screenshot({ path: `${ARTIFACTS}lang-admin-en.png` });

    await page.getByTestId('lang-zh').click();
    expect(await page.locator('.recon-weekday').first().textContent()).toBe('一');
    expect(await page.locator('[data-tab=reconciliation]').textContent()).toBe('对账');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('simulator phone: the pay sheet’s words switch to English and back, and the order stays on screen', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 820 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const order = await fetch(`${demo.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productId: 'demo-coffee', quantity: 1, payType: 'NATIVE', apiVersion: 'v3' }),
    }).then((r) => r.json() as Promise<{ codeUrl: string }>);
    await page.goto(`${demo.simulator.url}/_sim/phone?code_url=${encodeURIComponent(order.codeUrl)}`);
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥9.90');
    expect(await languageOf(page)).toBe('zh-CN');
    expect(await page.getByTestId('pay').textContent()).toBe('支付');
    await page.screenshot({ path: `${ARTIFACTS}lang-phone-zh.png` });

    await page.getByTestId('lang-en').click();
    expect(await languageOf(page)).toBe('en');
    expect(await page.getByTestId('pay').textContent()).toBe('Pay');
    expect(await page.getByTestId('scan-button').textContent()).toBe('Scan');
    expect(await page.locator('#log').textContent()).toContain('No notification yet');
    expect(await page.getByTestId('amount').textContent()).toBe('¥9.90');
    await page.screenshot({ path: `${ARTIFACTS}lang-phone-en.png` });

    await page.getByTestId('lang-zh').click();
    expect(await page.getByTestId('pay').textContent()).toBe('支付');
    expect(await page.locator('#log').textContent()).toContain('尚无通知');
    expect(errors).toEqual([]);
    await context.close();
  });
});
