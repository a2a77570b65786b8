/**
 * The stand-in WeixinJSBridge and JS-SDK `wx` in Chromium, loaded by a merchant page served from
 * another origin: real pay parameters and `wx.config` signatures made by our SDK, the pay sheet
 * clicked, the callbacks and the trade checked.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessTokenProvider,
  JsapiTicketProvider,
  jsapiPayParamsV3,
  PlatformClient,
  type V2Client,
} from '@wechatpay-kit/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  hasChromium,
  launchChromium,
  warnIfNoChromium,
} from '../../../../e2e/support/headless-chromium.js';
import { v2ClientFor } from '../v2/v2-client-for.js';
import { useControlSuite } from './support/control-suite.js';
import {
  type ClientPayParams,
  payParamsOf,
  tampered,
  v2Prepay,
  v3Prepay,
} from './support/pay-request-kit.js';

warnIfNoChromium('JS bridge e2e');

/** A merchant's JSAPI page: waits for WeixinJSBridgeReady, then pays with what the test hands it. */
function merchantPage(simulatorUrl: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>商户收银台</title>
<style>#sim-pay-error, .sim { color: blue; } button { color: red; }</style>
<script>
  window.bridgeReady = new Promise(function (resolve) {
    document.addEventListener('WeixinJSBridgeReady', function () { resolve(true); });
  });
  window.startPay = function (params) {
    window.payResult = new Promise(function (resolve) {
      WeixinJSBridge.invoke('getBrandWCPayRequest', params, function (res) {
        document.getElementById('result').textContent = res.err_msg;
        resolve(res);
      });
    });
  };
</script>
<script src="${simulatorUrl}/_sim/jsbridge.js"></script>
</head><body><h1>商户收银台 Merchant checkout</h1><p id="result">waiting</p></body></html>`;
}

describe.skipIf(!hasChromium)('stand-in WeixinJSBridge in Chromium', () => {
  const suite = useControlSuite();
  let browser: Browser;
  let server: Server;
  let pageUrl: string;
  let v2: V2Client;
  let platform: PlatformClient;
  let tickets: JsapiTicketProvider;

  beforeAll(async () => {
    browser = await launchChromium();
    const html = merchantPage(suite.sim.url);
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay`;
    v2 = v2ClientFor(suite.sim, { retry: { retries: 0, baseDelayMs: 0 } });
    platform = new PlatformClient({ baseUrl: suite.sim.url });
    const { appid, appSecret: secret } = suite.sim.merchant;
    tickets = new JsapiTicketProvider({
      tokenProvider: new AccessTokenProvider({ appid, secret, client: platform }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await v2?.close();
    await platform?.close();
  });

  /** Opens the merchant page (another origin than the simulator's) and starts paying. */
  async function openAndPay(params: ClientPayParams): Promise<{ page: Page; errors: string[] }> {
    expect(new URL(pageUrl).origin).not.toBe(new URL(suite.sim.url).origin);
    const page = await browser.newPage({ viewport: { width: 390, height: 780 }, deviceScaleFactor: 2 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(pageUrl);
    expect(
      await page.evaluate(() => (globalThis as unknown as { bridgeReady: Promise<boolean> }).bridgeReady),
    ).toBe(true);
    await page.evaluate((p) => (globalThis as unknown as { startPay(p: unknown): void }).startPay(p), params);
    return { page, errors };
  }

  const callbackOf = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { payResult: Promise<Record<string, string>> }).payResult);

  it('shows the pay sheet for real v3 pay parameters; confirm pays and calls back ok', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client, {
      user: 'bob',
      total: 1288,
      description: '月饼礼盒 Mooncakes',
      notifyUrl: suite.merchant.url,
    });
    const { page, errors } = await openAndPay(payParamsOf(suite.sim, prepay));

    await page.getByTestId('sim-pay-confirm').waitFor();
    expect(await page.getByTestId('sim-pay-merchant').textContent()).toBe(suite.sim.merchant.name);
    expect(await page.getByTestId('sim-pay-description').textContent()).toBe('月饼礼盒 Mooncakes');
    expect(await page.getByTestId('sim-pay-amount').textContent()).toBe('¥12.88');
    expect(await page.getByTestId('sim-pay-payer').textContent()).toContain(prepay.openid);
    // the sheet lives in a shadow root: the page's own styles and ids cannot reach it
    expect(await page.locator('[data-wechatpay-kit-sim]').evaluate((host) => host.shadowRoot !== null)).toBe(
      true,
    );
    await page.screenshot({ path: `${ARTIFACTS}jsbridge-pay-sheet.png` });

    await page.getByTestId('sim-pay-confirm').click();
    expect(await callbackOf(page)).toEqual({ err_msg: 'get_brand_wcpay_request:ok' });
    expect(await page.locator('#result').textContent()).toBe('get_brand_wcpay_request:ok');
    expect(await page.locator('[data-wechatpay-kit-sim]').count()).toBe(0);

    const trade = await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo);
    expect(trade).toMatchObject({ trade_state: 'SUCCESS', payer: { openid: prepay.openid } });
    const notification = await suite.merchant.next('TRANSACTION.SUCCESS', prepay.outTradeNo);
    expect(notification.resource.transaction_id).toBe(trade.transaction_id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a tampered paySign shows 支付验证签名失败 and calls back fail once dismissed', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client);
    const params = payParamsOf(suite.sim, prepay);
    const { page } = await openAndPay({ ...params, paySign: tampered(params.paySign) });

    const error = page.getByTestId('sim-pay-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^支付验证签名失败/);
    expect(await page.getByTestId('sim-pay-confirm').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}jsbridge-pay-error.png` });

    await page.getByTestId('sim-pay-dismiss').click();
    const result = await callbackOf(page);
    expect(result.err_msg).toBe('get_brand_wcpay_request:fail');
    expect(result.err_desc).toMatch(/^支付验证签名失败/);
    expect((await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo)).trade_state).toBe('NOTPAY');
    await page.close();
  });

  it('cancel calls back cancel and leaves a v2 order unpaid; other invokes are not supported', async () => {
    const prepay = await v2Prepay(suite.sim, v2, { total: 50 });
    const { page, errors } = await openAndPay(payParamsOf(suite.sim, prepay, 'MD5'));
    await page.getByTestId('sim-pay-cancel').click();
    expect(await callbackOf(page)).toEqual({ err_msg: 'get_brand_wcpay_request:cancel' });
    expect((await v2.orderQuery({ out_trade_no: prepay.outTradeNo })).trade_state).toBe('NOTPAY');

    const other = await page.evaluate(
      () =>
        new Promise((resolve) =>
          (
            globalThis as unknown as {
              WeixinJSBridge: { invoke(n: string, p: unknown, cb: (r: unknown) => void): void };
            }
          ).WeixinJSBridge.invoke('editAddress', {}, resolve),
        ),
    );
    expect(other).toEqual({ err_msg: 'editAddress:fail', err_desc: 'not supported by the simulator' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fail is the bank declining: calls back fail and the order is PAYERROR', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client);
    const { page } = await openAndPay(payParamsOf(suite.sim, prepay));
    await page.getByTestId('sim-pay-fail').click();
    const result = await callbackOf(page);
    expect(result.err_msg).toBe('get_brand_wcpay_request:fail');
    expect(result.err_desc).toMatch(/银行卡扣款失败/);
    expect((await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo)).trade_state).toBe(
      'PAYERROR',
    );
    await page.close();
  });

  type WxOutcome = { errMsg?: string; simHint?: string } | 'ready';

  /** Opens the merchant page at `path` and runs `wx.config(config)`; resolves with ready or the wx.error. */
  async function openAndConfigure(path: string, config: object) {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(new URL(path, pageUrl).href);
    const outcome = await page.evaluate(
      (c) =>
        new Promise<WxOutcome>((resolve) => {
          const wx = (globalThis as unknown as { wx: WxStandIn }).wx;
          wx.config(c);
          wx.ready(() => resolve('ready'));
          wx.error((res) => resolve(res as WxOutcome));
        }),
      config,
    );
    return { page, errors, outcome };
  }

  /** `wx.chooseWXPay(params)` in the page; resolves with the callback that ran and what it got. */
  const startChooseWXPay = (page: Page, params: Record<string, unknown>) =>
    page.evaluate(
      (p) =>
        new Promise<{ callback: string; res: Record<string, string>; completed: boolean }>((resolve) => {
          const wx = (globalThis as unknown as { wx: WxStandIn }).wx;
          let outcome: { callback: string; res: Record<string, string> } | undefined;
          const record = (callback: string) => (res: Record<string, string>) => {
            outcome = { callback, res };
          };
          wx.chooseWXPay({
            ...p,
            success: record('success'),
            cancel: record('cancel'),
            fail: record('fail'),
            complete: () => resolve({ ...outcome!, completed: true }),
          });
        }),
      params,
    );

  it('wx.config signed with the live jsapi_ticket is ready; chooseWXPay pays under its appId', async () => {
    const path = '/shop?item=42#/checkout';
    const config = await tickets.jssdkConfig(new URL(path, pageUrl).href, ['chooseWXPay']);
    const { page, errors, outcome } = await openAndConfigure(path, config);
    expect(outcome).toBe('ready');
    expect(
      await page.evaluate(() => typeof (globalThis as { WeixinJSBridge?: unknown }).WeixinJSBridge),
    ).toBe('object');

    const prepay = await v3Prepay(suite.sim, suite.client, { total: 990, notifyUrl: suite.merchant.url });
    const { timeStamp, appId: _appId, ...params } = payParamsOf(suite.sim, prepay);
    const paying = startChooseWXPay(page, { ...params, timestamp: timeStamp }); // wx spells it lower-case
    await page.getByTestId('sim-pay-confirm').click();
    expect(await paying).toEqual({ callback: 'success', res: { errMsg: 'chooseWXPay:ok' }, completed: true });
    expect((await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo)).trade_state).toBe(
      'SUCCESS',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a signature for another URL calls wx.error; chooseWXPay then fails, as it does when not in jsApiList', async () => {
    const wrong = await tickets.jssdkConfig(new URL('/other', pageUrl).href, ['chooseWXPay']);
    const refused = await openAndConfigure('/shop', wrong);
    expect(refused.outcome).toMatchObject({ errMsg: 'config:invalid signature' });
    expect((refused.outcome as { simHint: string }).simHint).toContain(
      `url=${new URL('/shop', pageUrl).href}`,
    );
    const prepay = await v3Prepay(suite.sim, suite.client);
    const params = jsapiPayParamsV3({
      appId: prepay.appid,
      prepayId: prepay.prepayId,
      privateKey: suite.sim.merchant.privateKeyPem,
    });
    const asWx = { ...params, timestamp: params.timeStamp };
    expect(await startChooseWXPay(refused.page, asWx)).toMatchObject({
      callback: 'fail',
      res: { errMsg: 'chooseWXPay:fail, the permission value is offline verifying' },
    });
    await refused.page.close();

    const unlisted = await openAndConfigure(
      '/shop',
      await tickets.jssdkConfig(new URL('/shop', pageUrl).href),
    );
    expect(unlisted.outcome).toBe('ready');
    expect(await startChooseWXPay(unlisted.page, asWx)).toMatchObject({
      callback: 'fail',
      res: { errMsg: 'chooseWXPay:permission denied' },
    });
    expect(await unlisted.page.locator('[data-wechatpay-kit-sim]').count()).toBe(0);
    expect((await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo)).trade_state).toBe('NOTPAY');
    await unlisted.page.close();
  });
});

/** The part of the stand-in `wx` these tests call. */
interface WxStandIn {
  config(config: unknown): void;
  ready(fn: () => void): void;
  error(fn: (res: unknown) => void): void;
  chooseWXPay(options: Record<string, unknown>): void;
}
