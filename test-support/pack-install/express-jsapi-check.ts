import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { V3Client } from '@wechatpay-kit/sdk';
import { buildV3Notification } from '@wechatpay-kit/sdk/testing';
import type { Page } from 'playwright-core';
import { ARTIFACTS, launchChromium } from '../../e2e/support/headless-chromium.js';
import { type ExampleSimulator, startExample } from './example-process.js';
import { REPOSITORY_ROOT } from './packed-project.js';

interface ShopOrder {
  outTradeNo: string;
  amountFen: number;
  state: string;
  transactionId?: string;
}

/** The simulator's control API, as a tool without a browser calls it. */
async function sim<T>(simulator: ExampleSimulator, path: string): Promise<T> {
  const answer = await fetch(`${simulator.url}/_sim${path}`);
  if (!answer.ok) throw new Error(`GET /_sim${path} answered ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as T;
}

/** A call from the shop's page itself, with its session cookie. */
const fromPage = <T>(page: Page, path: string, body?: unknown): Promise<{ status: number; json: T }> =>
  page.evaluate(
    async ([p, b]) => {
      const init =
        b === undefined
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) };
      const res = await fetch(p as string, init);
      return { status: res.status, json: await res.json() };
    },
    [path, body] as const,
  ) as Promise<{ status: number; json: T }>;

const postNotification = (url: string, headers: Record<string, string>, body: string) =>
  fetch(`${url}/notify/v3`, { method: 'POST', headers, body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/**
 * examples/express-jsapi as a stranger runs it, on the installed packages only, driven by headless
 * Chromium: the shop page sends the browser through the simulator's web authorisation (the user
 * picked on its page), the stand-in JS-SDK accepts wx.config as signed by the shop, Pay opens the
 * simulator's pay sheet and the page shows PAID from the shop's own state; the shop, WeChat and
 * WeChat's notification log agree. Refused: a price from the browser, a notification signed with
 * another key (the order stays unpaid here and at WeChat), and a real notification with one byte
 * changed; the untouched one, sent again, is acknowledged and changes nothing.
 */
export async function checkExpressJsapi(projectDir: string, simulator: ExampleSimulator): Promise<void> {
  const dir = join(projectDir, 'express-jsapi');
  cpSync(join(REPOSITORY_ROOT, 'examples', 'express-jsapi'), dir, { recursive: true });
  const merchant = JSON.parse(readFileSync(join(simulator.merchantDir, 'merchant.json'), 'utf8'));
  const options = JSON.parse(readFileSync(join(simulator.merchantDir, 'v3-client-options.json'), 'utf8'));
  const wechat = new V3Client(options);
  const users = await sim<{ id: string; openid?: string }[]>(simulator, `/users?appid=${merchant.appid}`);
  const aliceOpenid = users.find((user) => user.id === 'alice')?.openid;
  const [started, launched] = await Promise.allSettled([
    startExample('express-jsapi', dir, [process.execPath, 'app.mjs'], {
      PORT: '0',
      WXPAY_MERCHANT_DIR: simulator.merchantDir,
    }),
    launchChromium(),
  ]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    if (launched.status === 'fulfilled') await launched.value.close();
    await wechat.close();
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const shop = started.value;
  const browser = launched.value;
  const errors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 780 } });
    page.on('pageerror', (error) => errors.push(error.message));

    // Web authorisation: the shop sends the browser to the simulator, the user is picked there.
    await page.goto(`${shop.url}/`);
    if (new URL(page.url()).pathname !== '/connect/oauth2/authorize')
      throw new Error(`the shop did not send the browser to web authorisation: ${page.url()}`);
    await page.locator('a.user', { hasText: 'alice' }).click();
    await page.locator('#openid').waitFor();
    if (!page.url().startsWith(`${shop.url}/`)) throw new Error(`not back at the shop: ${page.url()}`);
    expectEqual('the session openid', await page.locator('#openid').textContent(), aliceOpenid);

    // wx.config, checked by the simulator's stand-in JS-SDK against the live jsapi_ticket.
    const jssdk = page.locator('#jssdk');
    await page.locator('#jssdk:not([data-state=pending])').waitFor();
    if ((await jssdk.getAttribute('data-state')) !== 'ready')
      throw new Error(`wx.config failed: ${await jssdk.textContent()}`);

    // The price is the catalogue's, whatever the browser sends.
    const cheap = await fromPage<ShopOrder>(page, '/orders', {
      productId: 'latte',
      amountFen: 1,
      amount: { total: 1 },
    });
    expectEqual('POST /orders status', cheap.status, 201);
    expectEqual('the amount of an order the browser priced', cheap.json.amountFen, 990);
    const atWechat = await wechat.transactions.queryByOutTradeNo(cheap.json.outTradeNo);
    expectEqual('the amount WeChat was asked for', atWechat.amount?.total, 990);

    // A notification for that order, encrypted with the real APIv3 key but signed with another key.
    const forged = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      resource: {
        ...atWechat,
        transaction_id: '4200000000000000000000000001',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        trade_type: 'JSAPI',
        bank_type: 'OTHERS',
        success_time: new Date().toISOString(),
        payer: { openid: aliceOpenid! },
        amount: { total: 990, payer_total: 990, currency: 'CNY', payer_currency: 'CNY' },
      },
      apiV3Key: options.apiV3Key,
      signer: {
        privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
        serial: merchant.publicKeyId,
      },
    });
    const refused = await postNotification(shop.url, forged.headers, forged.body);
    expectEqual('the answer to a forged notification', refused.status, 401);
    expectEqual(
      'the forged order here',
      (await fromPage<ShopOrder>(page, `/orders/${cheap.json.outTradeNo}`)).json.state,
      'NOTPAY',
    );
    expectEqual(
      'the forged order at WeChat',
      (await wechat.transactions.queryByOutTradeNo(cheap.json.outTradeNo)).trade_state,
      'NOTPAY',
    );

    // Pay: the shop's order and paySign, the simulator's pay sheet, the page waits for the shop.
    const created = page.waitForResponse(
      (r) => r.url() === `${shop.url}/orders` && r.request().method() === 'POST',
    );
    await page.locator('button[data-product=latte]').click();
    const order = (await (await created).json()) as ShopOrder;
    await page.getByTestId('sim-pay-confirm').waitFor();
    expectEqual('the pay sheet amount', await page.getByTestId('sim-pay-amount').textContent(), '¥9.90');
    await page.getByTestId('sim-pay-confirm').click();
    await page.locator('#result[data-state=PAID]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${ARTIFACTS}express-jsapi-paid.png` });

    const here = (await fromPage<ShopOrder>(page, `/orders/${order.outTradeNo}`)).json;
    expectEqual('the shop’s state', here.state, 'PAID');
    const paid = await wechat.transactions.queryByOutTradeNo(order.outTradeNo);
    expectEqual('WeChat’s state', paid.trade_state, 'SUCCESS');
    expectEqual('the transaction id here and at WeChat', here.transactionId, paid.transaction_id);
    expectEqual('the payer', paid.payer?.openid, aliceOpenid);

    // The notification was delivered and acknowledged; a byte changed is refused, a resend is a no-op.
    const [sent] = await sim<
      { id: string; status: string; lastAttempt?: { httpStatus?: number; acked: boolean } }[]
    >(simulator, `/notifications?outTradeNo=${order.outTradeNo}`);
    expectEqual('the notification', [sent?.status, sent?.lastAttempt?.acked], ['delivered', true]);
    const record = await sim<{ body: string; headers: Record<string, string> }>(
      simulator,
      `/notifications/${sent!.id}`,
    );
    const tampered = record.body.replace('"summary":"', '"summary":" ');
    if (tampered === record.body) throw new Error('could not tamper with the notification');
    expectEqual(
      'the answer to a tampered notification',
      (await postNotification(shop.url, record.headers, tampered)).status,
      401,
    );
    expectEqual(
      'the answer to a resent notification',
      (await postNotification(shop.url, record.headers, record.body)).status,
      204,
    );
    expectEqual(
      'the order after both',
      (await fromPage<ShopOrder>(page, `/orders/${order.outTradeNo}`)).json,
      here,
    );
    expectEqual('errors in the page', errors, []);
  } finally {
    await browser.close();
    await shop.stop();
    await wechat.close();
  }
}
