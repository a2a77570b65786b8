import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildBizPayUrl,
  buildProductCallbackReply,
  type ProductCallback,
  parseProductCallback,
  V2Client,
} from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/index.js';
import { type ControlCall, controlClient } from './support/control-client.js';
import { outTradeNo } from './support/merchant-kit.js';

describe('control API: scanning a Native mode-1 product QR', () => {
  let sim: RunningSimulator;
  let call: ControlCall;
  let v2: V2Client;
  let callbackServer: Server;
  let callbackUrl: string;
  const callbacks: ProductCallback[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    call = controlClient(sim.url);
    const { appid, mchid, apiKey } = sim.merchant;
    v2 = new V2Client({ appid, mchid, apiKey, baseUrl: sim.url });
    // the merchant's mode-1 callback: verify the scan with our SDK, order with our SDK, answer signed
    callbackServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const scan = parseProductCallback(Buffer.concat(chunks), apiKey);
        callbacks.push(scan);
        const order = await v2.unifiedOrder({
          trade_type: 'NATIVE',
          product_id: scan.product_id,
          openid: scan.openid,
          body: `商品 ${scan.product_id}`,
          out_trade_no: outTradeNo('M1'),
          total_fee: 88,
          spbill_create_ip: '127.0.0.1',
          notify_url: 'http://127.0.0.1:9/notify',
        });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(buildProductCallbackReply({ appid, mch_id: mchid, prepay_id: order.prepay_id }, apiKey));
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/api/native/callback`;
  });
  afterAll(async () => {
    await v2?.close?.();
    callbackServer?.close();
    await sim?.stop();
  });

  const productQr = (productId: string) =>
    buildBizPayUrl(
      { appid: sim.merchant.appid, mch_id: sim.merchant.mchid, product_id: productId },
      sim.merchant.apiKey,
    );

  it('refuses while the merchant has no mode-1 callback URL, saying so', async () => {
    const answer = await call('POST', '/scan', { bizpayurl: productQr('SKU1'), user: 'alice' });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('nativeCallbackUrl');
  });

  it('asks the merchant for an order and answers with it, ready to pay', async () => {
    await call('PATCH', `/merchants/${sim.merchant.mchid}`, { nativeCallbackUrl: callbackUrl });
    const scanned = await call('POST', '/scan', { code_url: productQr('SKU42'), user: 'bob' });
    expect(scanned.status).toBe(200);
    expect(scanned.body.order).toMatchObject({
      tradeType: 'NATIVE',
      apiVersion: 'v2',
      productId: 'SKU42',
      totalFen: 88,
      amountText: '¥0.88',
      state: 'NOTPAY',
    });
    expect(callbacks.at(-1)).toMatchObject({
      product_id: 'SKU42',
      openid: sim.ctx.users.openid('bob', sim.merchant.appid),
    });

    const paid = await call('POST', `/orders/${scanned.body.order.prepayId}/pay`, { user: 'bob' });
    expect(paid.body.order.state).toBe('SUCCESS');
    const query = await v2.orderQuery({ out_trade_no: scanned.body.order.outTradeNo });
    expect(query.trade_state).toBe('SUCCESS');
  });

  it('refuses a product QR whose sign was tampered with', async () => {
    const tampered = productQr('SKU7').replace('product_id=SKU7', 'product_id=SKU8');
    const answer = await call('POST', '/scan', { code_url: tampered, user: 'alice' });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('二维码签名错误');
  });
});
