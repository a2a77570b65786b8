import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../../../../e2e/support/headless-chromium.js';
import { startTestDemo, type TestDemo } from '../../http/demo-harness.js';

/**
 * The demo (service + simulator on SQLite, free ports) and a headless Chromium for one browser
 * suite: started before its first test, handed over through `use`, stopped after its last.
 */
export function useBrowserDemo(
  use: (started: { demo: TestDemo; browser: Browser }) => void,
  options?: Parameters<typeof startTestDemo>[1],
): void {
  let demo: TestDemo | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    demo = await startTestDemo('sqlite', options);
    browser = await launchChromium();
    use({ demo, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.cleanup();
  });
}
