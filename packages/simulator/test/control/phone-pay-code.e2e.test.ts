import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  hasChromium,
  launchChromium,
  warnIfNoChromium,
} from '../../../../e2e/support/headless-chromium.js';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

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

  /** A v3 codepay of `total` fen with the code the phone shows: answered USERPAYING above bob's limit. */
  async function chargeShownCode(page: Page, orderNo: string, total: number): Promise<string> {
    const code = await revealedCode(page);
    const error = await suite.client.transactions
      .codepay({
        appid: suite.sim.merchant.appid,
        description: '门店收款 Till',
        out_trade_no: orderNo,
        payer: { auth_code: code },
        amount: { total },
        scene_info: { device_id: 'POS-E2E', store_info: { out_id: 'store-1' } },
      })
      .then(
        () => undefined,
        (e: { code?: string }) => e,
      );
    expect(error?.code).toBe('USERPAYING');
    return code;
  }

  it('learns of a payment that needed no password, shows it paid and a new code', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${suite.sim.url}/_sim/phone?view=paycode`);
    await page.getByTestId('user-select').selectOption('alice');
    await expect.poll(() => page.locator('#paycode-user').textContent()).toBe('alice');
    const code = await revealedCode(page);
    const orderNo = outTradeNo('PNP');
    // ¥9.90 is under alice's password-free limit (¥1,000): paid at once, the phone not asked.
    const paid = await suite.client.transactions.codepay({
      appid: suite.sim.merchant.appid,
      description: '门店收款 Till',
      out_trade_no: orderNo,
      payer: { auth_code: code },
      amount: { total: 990 },
      scene_info: { store_info: { out_id: 'store-1' } },
    });
    expect(paid.trade_state).toBe('SUCCESS');
    await expect
      .poll(() => page.getByTestId('paycode-notice').textContent(), { timeout: 5000 })
      .toBe(`已向 ${suite.sim.merchant.name} 支付 ¥9.90`);
    expect(await page.getByTestId('paycode').getAttribute('data-last-paid')).toBe(orderNo);
    await expect.poll(() => bars(page)).not.toEqual(barsOf(code));
    expect(await page.getByTestId('pin-sheet').isHidden()).toBe(true);
    await page.close();
  });

  it('asks for the password of a payment waiting on the phone: a wrong PIN, then cancel, then pay', async () => {
    // Every payment code of bob's asks for the password.
    expect((await suite.call('PATCH', '/users/bob', { passwordFreeFen: 0 })).status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${suite.sim.url}/_sim/phone`);
    await page.getByTestId('user-select').selectOption('bob');
    await page.getByTestId('paycode-open').click();
    await page.locator('[data-testid=paycode-barcode] svg rect').first().waitFor();

    // First payment: a wrong PIN keeps the sheet, cancel fails the payment at WeChat.
    const cancelled = outTradeNo('PWC');
    const firstCode = await chargeShownCode(page, cancelled, 2500);
    const sheet = page.getByTestId('pin-sheet');
    await sheet.waitFor({ state: 'visible' });
    expect(await page.getByTestId('pin-amount').textContent()).toBe('¥25.00');
    expect(await page.getByTestId('pin-merchant').textContent()).toBe(suite.sim.merchant.name);
    for (const digit of '000000') await page.getByTestId(`pin-key-${digit}`).click();
    await expect.poll(() => page.getByTestId('pin-notice').textContent()).toContain('支付密码错误');
    expect(await sheet.isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}phone-password-sheet.png` });
    await page.getByTestId('pin-cancel').click();
    await sheet.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('paycode-notice').textContent()).toBe('已取消支付');
    const failed = await suite.client.transactions.queryByOutTradeNo(cancelled);
    expect(failed.trade_state).toBe('PAYERROR');
    // The phone moved on to a fresh code.
    await expect.poll(() => revealedCode(page)).not.toBe(firstCode);

    // Second payment: six digits pay it, and the phone shows yet another code.
    const paid = outTradeNo('PWP');
    const secondCode = await chargeShownCode(page, paid, 1234);
    await sheet.waitFor({ state: 'visible' });
    expect(await page.getByTestId('pin-amount').textContent()).toBe('¥12.34');
    await page.keyboard.type('123456');
    await sheet.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.getByTestId('paycode-notice').textContent())
      .toBe(`已向 ${suite.sim.merchant.name} 支付 ¥12.34`);
    const success = await suite.client.transactions.queryByOutTradeNo(paid);
    expect(success.trade_state).toBe('SUCCESS');
    expect(success.amount?.total).toBe(1234);
    await expect.poll(() => revealedCode(page)).not.toBe(secondCode);
    expect((await suite.call('GET', '/users/bob/password-requests')).body).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}phone-password-paid.png`, fullPage: true });
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
