import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { adminPeople } from '../http/admin-people.js';
import type { TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('till page e2e');

describe.skipIf(!hasChromium)('the till page (/pos) in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });
  const people = adminPeople(() => demo);

  it('asks the cashier to sign in, keys an amount in fen, checks a scanned code, fits 390 px', async () => {
    const cashier = await people.createUser('li.cashier', 'operator');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.url}/pos`);
    await page.getByTestId('pos-signin').waitFor();
    expect(await page.locator('#pos-till').isHidden()).toBe(true);

    await page.locator('#pos-username').fill(cashier.username);
    await page.locator('#pos-password').fill('not-the-password');
    await page.locator('#pos-signin button[type=submit]').click();
    await expect.poll(() => page.getByTestId('pos-signin-error').textContent()).toBe('用户名或密码错误');
    await page.locator('#pos-username').fill(cashier.username);
    await page.locator('#pos-password').fill(cashier.password);
    await page.locator('#pos-signin button[type=submit]').click();
    await page.locator('#pos-till').waitFor();
    expect(await page.getByTestId('pos-cashier').textContent()).toBe('收银员：li.cashier');
    const device = (await page.getByTestId('pos-device').textContent()) ?? '';
    expect(device).toMatch(/^设备 POS-[0-9A-F]{8}$/);
    // The scanner's keystrokes land in the code field: it has the focus from the start.
    expect(await page.evaluate('document.activeElement.id')).toBe('pos-code');

    // Yuan with two decimals, kept as a string and turned into fen: a third decimal is refused.
    for (const key of ['1', '2', '.', '3', '4', '5'])
      await page.locator(`#pos-keypad [data-key="${key}"]`).click();
    expect(await page.getByTestId('pos-amount').textContent()).toBe('¥12.34');
    expect(await page.evaluate('document.activeElement.id')).toBe('pos-code');
    await page.locator('#pos-keypad [data-key="back"]').click();
    expect(await page.getByTestId('pos-amount').textContent()).toBe('¥12.30');

    await page.getByTestId('pos-code').fill('12345');
    await page.getByTestId('pos-code').press('Enter');
    await expect
      .poll(() => page.getByTestId('pos-check').textContent())
      .toBe('付款码应为 18 位数字（当前 5 位）');
    await page.getByTestId('pos-code').fill('16 0000 0000 0000 0000');
    await page.getByTestId('pos-code').press('Enter');
    await expect
      .poll(() => page.getByTestId('pos-check').textContent())
      .toBe('这不是微信付款码（应以 10–15 开头）');
    expect(await page.getByTestId('pos-status').getAttribute('data-state')).toBe('idle');
    // No camera reader in this browser: the button stays away, the scanner field is enough.
    expect(await page.getByTestId('pos-camera').isHidden()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${ARTIFACTS}pos-amount-390.png`, fullPage: true });

    // A product instead: its price times the quantity.
    await page.getByTestId('pos-mode-product').click();
    await page.locator('button[data-product-id="demo-coffee"]').click();
    expect(await page.getByTestId('pos-amount').textContent()).toBe('¥9.90');
    await page.locator('#pos-more').click();
    expect(await page.getByTestId('pos-amount').textContent()).toBe('¥19.80');
    // The scanner's digits reach the code field wherever the focus was left.
    await page.evaluate(`document.getElementById('pos-code').value = ''`);
    await page.getByTestId('pos-mode-amount').click();
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('pos-mode-amount');
    await page.keyboard.type('1345');
    expect(await page.getByTestId('pos-code').inputValue()).toBe('1345');

    // English, and the same device after a reload (the session cookie keeps the cashier in).
    await page.getByTestId('lang-en').click();
    expect(await page.getByTestId('pos-status-title').textContent()).toBe('Enter the amount and scan');
    await page.reload();
    await page.locator('#pos-till').waitFor();
    expect(await page.getByTestId('pos-device').textContent()).toBe(device.replace('设备', 'Device'));
    await page.getByTestId('pos-signout').click();
    await page.getByTestId('pos-signin').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is linked from the back office', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}/admin`);
    expect(await page.getByTestId('admin-pos-link').getAttribute('href')).toBe('/pos');
    await page.close();
  });
});
