import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import type { TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('content security policy e2e');

type Violations = Array<{ directive: string; blocked: string }>;

describe.skipIf(!hasChromium)('the content security policy in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('the pages load without a violation, and an injected inline script does not run', async () => {
    const context = await browser.newContext();
    // Registered before any page script: every violation the browser reports is kept.
    await context.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));`,
    });
    for (const [path, ready] of [
      ['/', '.card'],
      ['/jsapi', '.card'],
      ['/admin', '#token'],
      ['/h5', '.card'],
      ['/pos', '#pos-signin:not([hidden])'],
      ['/docs/static/index.html', '.swagger-ui .info'],
    ] as const) {
      const page = await context.newPage();
      await page.goto(`${demo.url}${path}`);
      if (path === '/jsapi') {
        // Signed in through the (simulated) WeChat authorisation first, as inside WeChat.
        await page.waitForURL((url) => url.pathname === '/connect/oauth2/authorize');
        await page.locator('a.user').first().click();
        await page.waitForURL((url) => url.origin === demo.url && url.pathname === '/jsapi');
      }
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate<Violations>('window.cspViolations'), path).toEqual([]);

      const ran = await page.evaluate(`(() => {
        const script = document.createElement('script');
        script.textContent = 'window.injectedRan = true';
        document.body.append(script);
        const handler = document.createElement('div');
        handler.setAttribute('onclick', 'window.injectedRan = true');
        document.body.append(handler);
        handler.click();
        return window.injectedRan === true;
      })()`);
      expect(ran, path).toBe(false);
      const violations = await page.evaluate<Violations>('window.cspViolations');
      expect(violations.map((v) => v.directive).sort(), path).toEqual(['script-src-attr', 'script-src-elem']);
      await page.close();
    }
    await context.close();
  });
});
