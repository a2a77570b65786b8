import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin products e2e');

describe.skipIf(!hasChromium)('the admin’s products tab in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });
  const onSale = async () => (await json<{ id: string; price: number }[]>(`${demo.url}/api/products`)).body;

  it('adds a product, reprices it in yuan and withdraws it; the shop follows', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${demo.url}/admin`);
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator('[data-tab=products]').click();
    await page.locator('#product-rows tr[data-product-id="demo-coffee"]').waitFor();

    await page.locator('#new-product-id').fill('jasmine-100g');
    await page.locator('#new-product-name').fill('茉莉花茶 100g');
    await page.locator('#new-product-price').fill('36.5');
    await page.locator('#new-product-stock').fill('20');
    await page.locator('#new-product button[type=submit]').click();
    const row = page.locator('#product-rows tr[data-product-id="jasmine-100g"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('¥36.50');
    expect((await onSale()).find((p) => p.id === 'jasmine-100g')?.price).toBe(3650);

    await row.locator('input.price-input').fill('0.29');
    await row.getByRole('button', { name: /改价/ }).click();
    await expect.poll(async () => row.textContent()).toContain('¥0.29');
    expect((await onSale()).find((p) => p.id === 'jasmine-100g')?.price).toBe(29);

    await row.getByRole('button', { name: /下架/ }).click();
    await expect.poll(() => row.getAttribute('data-available')).toBe('false');
    expect((await onSale()).map((p) => p.id)).not.toContain('jasmine-100g');
    await page.screenshot({ path: `${ARTIFACTS}admin-products.png` });
    expect(pageErrors).toEqual([]);
  });
});
