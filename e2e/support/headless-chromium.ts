import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { skipReasonFor } from '../../test-support/required-service.js';

/** Debian's Chromium (`TEST_CHROMIUM` names another binary): browser tests never download a browser. */
export const CHROMIUM = process.env.TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser suites run: without Chromium they are skipped, and under CI=true they fail. */
export const hasChromium =
  skipReasonFor(
    'Chromium',
    existsSync(CHROMIUM) ? undefined : `${CHROMIUM} does not exist (apt-get install chromium)`,
  ) === undefined;

/** Where browser tests leave their screenshots (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Says once, for a suite, why it is skipped on a machine without Chromium. */
export function warnIfNoChromium(suite: string): void {
  if (!hasChromium) console.warn(`${suite} skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);
}

/**
 * Headless Chromium as this workplace runs it: no sandbox (root), none of the background
 * networking a closed network refuses, and pages in zh-CN (newPage opens its context through newContext).
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The pages take their language from the browser's (Playwright's default is en-US): the suites read
  // them in Chinese, the project's first language, unless a context asks for another `locale`.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options) => newContext({ locale: 'zh-CN', ...options });
  return browser;
}
