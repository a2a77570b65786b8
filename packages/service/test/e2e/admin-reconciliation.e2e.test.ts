import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { eventually, json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin reconciliation e2e');

describe.skipIf(!hasChromium)('the admin’s reconciliation tab in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('shows the day in the calendar, its differences with links, the CSV and a confirmed re-run', {
    timeout: 60_000,
  }, async () => {
    const sim = (path: string, body: unknown) =>
      json(`${demo.simulator.url}/_sim${path}`, { method: 'POST', body: JSON.stringify(body) });
    const admin = { Authorization: `Bearer ${demo.adminToken}` };
    const day = new Date(demo.simulator.ctx.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const lost = await json<{ orderNo: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    await sim(`/orders/${lost.body.orderNo}/pay`, { lose: true });
    const unrecorded = `TILL${Date.now()}`;
    await sim('/orders', { amount: 1234, outTradeNo: unrecorded });
    const runAt = Date.parse(`${day}T10:00:00+08:00`) + 24 * 3600_000;
    await sim('/clock/advance', {
      minutes: Math.ceil((runAt - demo.simulator.ctx.clock.now()) / 60_000) + 1,
    });
    await eventually(async () => {
      const answer = await json<{ reconciliation?: { status: string } }>(
        `${demo.url}/api/admin/reconciliations/${day}`,
        { headers: admin },
      );
      return answer.body.reconciliation?.status === 'UNBALANCED' ? true : undefined;
    }, 20_000);

    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(`${demo.url}/admin`);
      await page.locator('#token').fill(demo.adminToken);
      await page.locator('#login button[type=submit]').click();
      await page.locator('[data-tab=reconciliation]').click();
      await page.locator('#recon-month').fill(day.slice(0, 7));
      await page.locator('#recon-month').dispatchEvent('change');
      const cell = page.locator(`.recon-day[data-date="${day}"]`);
      await cell.waitFor();
      expect(await cell.getAttribute('class')).toContain('UNBALANCED');
      expect(await cell.textContent()).toContain('1 待处理');
      await cell.click();

      const unknown = page.locator('#recon-rows tr[data-kind="UNKNOWN_ORDER"]');
      await unknown.waitFor();
      expect(await unknown.textContent()).toContain(unrecorded);
      expect(await unknown.textContent()).toContain('¥12.34');
      const repaired = page.locator('#recon-rows tr[data-kind="PAID_AT_WECHAT_ONLY"]');
      expect(await repaired.getAttribute('data-resolution')).toBe('repaired');
      expect(await page.locator('#recon-totals').textContent()).toContain('净额');
      await page.screenshot({ path: `${ARTIFACTS}admin-reconciliation-${name}.png`, fullPage: true });

      if (name === 'phone') {
        await context.close();
        continue;
      }
      // The repaired order opens in the drawer, paid.
      await repaired.locator('button.link').click();
      await page.locator('#detail[open]').waitFor();
      expect(await page.locator('#detail-fields').textContent()).toContain('PAID');
      await page.locator('#detail-close').click();

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#recon-csv').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`reconciliation-${day}.csv`);

      // A re-run asks first; cancelling changes nothing, confirming runs once more.
      await page.locator('#recon-rerun').click();
      expect(await page.locator('#recon-confirm').isVisible()).toBe(true);
      await page.locator('#recon-confirm-no').click();
      await page.locator('#recon-rerun').click();
      await page.locator('#recon-confirm-yes').click();
      await expect
        .poll(() => page.locator('#recon-status').textContent(), { timeout: 10_000 })
        .toContain('第 2 次');
      await context.close();
    }
  });
});
