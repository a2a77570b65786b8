import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  hasChromium,
  launchChromium,
  warnIfNoChromium,
} from '../../../../e2e/support/headless-chromium.js';
import { useControlSuite } from './support/control-suite.js';

warnIfNoChromium('phone pay-code e2e');

const code128 = (await import(new URL('../../web/code128-encoder.js', import.meta.url).href)) as {
  code128Widths: (digits: string) => number[];
};

/** The digits the phone shows once tapped, spaces taken out. */
async function revealedCode(page: Page): Promise<string> {
  const digits = page.getByTestId('paycode-digits');
  if ((await digits.getAttribute('data-revealed')) !== 'true') await digits.click();
  await expect.poll(() => digits.getAttribute('data-revealed')).toBe('true');
  return ((await digits.textContent()) ?? '').replace(/\s/g, '');
}

describe.skipIf(!hasChromium)('the phone page’s payment code (付款码) in Chromium', () => {
  const suite = useControlSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the user’s code as a barcode and a QR, masked until tapped, and a new one on refresh', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${suite.sim.url}/_sim/phone`);
    await page.getByTestId('user-select').selectOption('bob');
    await page.getByTestId('paycode-open').click();
    await page.locator('[data-testid=paycode-barcode] svg rect').first().waitFor();
    await page.locator('[data-testid=paycode-qr] svg path').waitFor();

    const masked = (await page.getByTestId('paycode-digits').textContent()) ?? '';
    expect(masked).toMatch(/^1[0-5]\d\d [•\s]+$/);
    const code = await revealedCode(page);
    // The same shape as POST /_sim/users/:user/payment-code answers.
    const issued = await suite.call<{ authCode: string; user: string }>(
      'POST',
      '/users/bob/payment-code',
      {},
    );
    expect(issued.status).toBe(201);
    expect(code).toMatch(/^1[0-5]\d{16}$/);
    expect(code).toHaveLength(issued.body.authCode.length);
    expect(code).not.toBe(issued.body.authCode);

    // The bars are the Code 128 of exactly those digits.
    expect(await bars(page)).toEqual(barsOf(code));
    expect(await page.getByTestId('paycode-expiry').textContent()).toMatch(/\d+ 秒后自动更新/);
    await page.screenshot({ path: `${ARTIFACTS}phone-pay-code.png`, fullPage: true });

    // Refresh: the next code; the shown one was bob's and still pays once.
    await page.getByTestId('paycode-refresh').click();
    await expect.poll(() => page.getByTestId('paycode-digits').getAttribute('data-revealed')).toBe('false');
    const next = await revealedCode(page);
    expect(next).not.toBe(code);
    expect(suite.sim.ctx.paymentCodes.redeem(code)).toEqual({ userId: 'bob' });
    expect(suite.sim.ctx.paymentCodes.redeem(code)).toEqual({ refusal: 'AUTH_CODE_INVALID' });

    // Past its minute on the simulated clock, the phone fetches a new code by itself.
    await suite.call('POST', '/clock/advance', { seconds: 58 });
    await expect.poll(() => bars(page), { timeout: 5000 }).not.toEqual(barsOf(next));
    expect(await revealedCode(page)).toMatch(/^1[0-5]\d{16}$/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/** The bar widths drawn on the page. */
function bars(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid=paycode-barcode] svg rect')
    .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('width'))));
}

/** The bar widths of `digits`' Code 128 (every other width: bars, not spaces). */
function barsOf(digits: string): number[] {
  return code128.code128Widths(digits).filter((_, i) => i % 2 === 0);
}
