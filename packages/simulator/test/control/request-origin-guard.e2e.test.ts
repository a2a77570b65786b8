/**
 * A hostile page open in the developer's browser, on another origin: what Chromium really sends
 * when it tries the control API (a `text/plain` POST needs no preflight, a no-cors read no CORS).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { type RunningSimulator, startSimulator } from '../../src/index.js';

warnIfNoChromium('control API origin e2e');

describe.skipIf(!hasChromium)('control API against a page of another origin, in Chromium', () => {
  let sim: RunningSimulator;
  let browser: Browser;
  let server: Server;
  let pageUrl: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    browser = await launchChromium();
    server = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await sim?.stop();
  });

  it('cannot move the clock with a text/plain POST, nor read a merchant config', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl);
      const before = sim.ctx.clock.now();
      const outcome = await page.evaluate(async (simUrl) => {
        await fetch(`${simUrl}/_sim/clock/advance`, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ hours: 5 }),
        });
        return fetch(`${simUrl}/_sim/merchants`).then(
          (res) => `read ${res.status}`,
          (error: Error) => `blocked ${error.name}`,
        );
      }, sim.url);
      expect(outcome).toMatch(/^blocked/);
      expect(sim.ctx.clock.now() - before).toBeLessThan(3600_000);
    } finally {
      await page.close();
    }
  });

  it('its own console page still drives the control API', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.url}/_sim/console`);
      const status = await page.evaluate(
        async () => (await fetch('/_sim/clock/advance', { method: 'POST', body: '{"minutes":1}' })).status,
      );
      expect(status).toBe(200);
    } finally {
      await page.close();
    }
  });
});
