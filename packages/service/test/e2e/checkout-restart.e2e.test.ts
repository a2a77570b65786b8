import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { json } from '../http/demo-harness.js';

warnIfNoChromium('checkout across a restart');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/**
 * A rolling restart seen from the checkout page: the instance it streams from stops (SIGTERM's
 * path), another takes its address, and the page's EventSource — told `retry:` by the stopping
 * instance — reconnects to it by itself and shows the payment, without falling back to polling.
 */
describe.skipIf(!hasChromium)('the checkout page across a restart of its instance', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-ops-restart-'));
  let simulator: RunningSimulator;
  let browser: Browser;
  let port: number;
  let service: ServiceApp | undefined;

  const startInstance = async () => {
    const config = validateServiceConfig({
      port,
      host: '127.0.0.1',
      dataDir,
      publicUrl: `http://127.0.0.1:${port}`,
      adminToken: randomBytes(24).toString('hex'),
      orderTtlMinutes: 15,
      logger: false,
      wechat: simulatorCredentials(simulator.merchant),
    });
    service = await createServiceApp(config, { jobPollIntervalMs: 100 });
    await service.start();
    return service;
  };

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    port = await freePort();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reconnects its event stream to the new instance and turns to paid', async () => {
    const first = await startInstance();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const streamsOpened: string[] = [];
    const polls: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (/^\/api\/orders\/\w+\/events$/.test(path)) streamsOpened.push(path);
      else if (request.method() === 'GET' && /^\/api\/orders\/\w+$/.test(path)) polls.push(path);
    });
    await page.goto(`${first.url}/`);
    await page.locator('button[data-product-id="demo-coffee"]').click();
    await page.locator('#pay-qr-img').waitFor({ state: 'visible' });
    await expect.poll(() => streamsOpened.length).toBe(1);

    await first.stop();
    const second = await startInstance();
    await expect.poll(() => streamsOpened.length, { timeout: 8_000 }).toBeGreaterThanOrEqual(2);
    expect(polls).toEqual([]);

    const orderNo = await page.evaluate<string>(
      `JSON.parse(localStorage.getItem('wechatpay-kit.my-orders'))[0]`,
    );
    const order = await json<{ codeUrl: string }>(`${second.url}/api/orders/${orderNo}`);
    const trade = simulator.ctx.trades.lookup(order.body.codeUrl);
    expect(trade).toBeDefined();
    simulator.ctx.trades.pay(trade!, 'alice');

    const result = page.locator('#pay-result');
    await result.waitFor({ state: 'visible', timeout: 8_000 });
    expect(await result.getAttribute('data-state')).toBe('PAID');
    // Only the one read for the transaction id after the final event: no polling fallback.
    expect(polls.length).toBeLessThanOrEqual(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
