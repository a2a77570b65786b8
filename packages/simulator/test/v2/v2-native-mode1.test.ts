/**
 * Native mode 1 end to end: a merchant server (node:http, built on the SDK's mode-1 helpers) answers
 * the simulator's scan callback by creating the order with V2Client; scanProductQr returns it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildBizPayUrl,
  buildProductCallbackReply,
  type ProductCallback,
  parseProductCallback,
  type V2Client,
} from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimError } from '../../src/engine/sim-error.js';
import { scanProductQr } from '../../src/notifier/product-callback-client.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from './v2-client-for.js';

let sim: RunningSimulator;
let merchantServer: Server;
let client: V2Client;
const callbacks: ProductCallback[] = [];
/** What the merchant server does with the next scan. */
let behaviour: 'order' | 'refuse' | 'bad-sign' | 'http-500' = 'order';
let orderSeq = 0;

async function answerScan(body: Buffer): Promise<{ status: number; xml: string }> {
  const { apiKey, appid, mchid } = sim.merchant;
  const callback = parseProductCallback(body, apiKey);
  callbacks.push(callback);
  if (behaviour === 'http-500') return { status: 500, xml: 'oops' };
  if (behaviour === 'refuse') {
    return {
      status: 200,
      xml: buildProductCallbackReply({ appid, mch_id: mchid, err_code_des: '商品已售罄' }, apiKey),
    };
  }
  orderSeq += 1;
  const order = await client.unifiedOrder({
    trade_type: 'NATIVE',
    product_id: callback.product_id,
    openid: callback.openid,
    body: `商品 ${callback.product_id}`,
    out_trade_no: `mode1-${orderSeq}`,
    total_fee: 990,
    spbill_create_ip: '203.0.113.7',
    notify_url: 'http://127.0.0.1:9/notify',
  });
  const key = behaviour === 'bad-sign' ? 'B'.repeat(32) : apiKey;
  return {
    status: 200,
    xml: buildProductCallbackReply({ appid, mch_id: mchid, prepay_id: order.prepay_id }, key),
  };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  client = v2ClientFor(sim);
  merchantServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answerScan(Buffer.concat(chunks)).then(
        ({ status, xml }) => res.writeHead(status, { 'content-type': 'text/xml' }).end(xml),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
  });
  await new Promise<void>((resolve) => merchantServer.listen(0, '127.0.0.1', resolve));
  const { port } = merchantServer.address() as AddressInfo;
  sim.ctx.merchants.update(sim.merchant.mchid, {
    nativeCallbackUrl: `http://127.0.0.1:${port}/api/native/callback`,
  });
});

afterAll(async () => {
  await client.close();
  await new Promise((resolve) => merchantServer.close(resolve));
  await sim.stop();
});

const productQr = (productId = 'SKU-42', apiKey = sim.merchant.apiKey) =>
  buildBizPayUrl({ appid: sim.merchant.appid, mch_id: sim.merchant.mchid, product_id: productId }, apiKey);

describe('scanProductQr', () => {
  it('asks the merchant for an order and returns the trade it names, for that payer', async () => {
    behaviour = 'order';
    const trade = await scanProductQr(sim.ctx, productQr('SKU-42'), 'bob');
    const bobOpenid = sim.ctx.users.openid('bob', sim.merchant.appid);
    expect(callbacks.at(-1)).toMatchObject({
      product_id: 'SKU-42',
      openid: bobOpenid,
      appid: sim.merchant.appid,
      mch_id: sim.merchant.mchid,
    });
    expect(trade).toMatchObject({
      outTradeNo: `mode1-${orderSeq}`,
      productId: 'SKU-42',
      tradeType: 'NATIVE',
      totalFen: 990,
      state: 'NOTPAY',
    });
    expect(sim.ctx.trades.pay(trade, 'bob').state).toBe('SUCCESS');
  });

  it('refuses a product QR whose sign does not verify, without calling the merchant', async () => {
    const before = callbacks.length;
    const forged = productQr('SKU-42').replace('product_id=SKU-42', 'product_id=SKU-43');
    await expect(scanProductQr(sim.ctx, forged, 'alice')).rejects.toThrow(/二维码签名错误/);
    await expect(scanProductQr(sim.ctx, productQr('SKU-42', 'K'.repeat(32)), 'alice')).rejects.toBeInstanceOf(
      SimError,
    );
    expect(callbacks.length).toBe(before);
  });

  it('refuses what is not a product QR', async () => {
    await expect(scanProductQr(sim.ctx, 'weixin://wxpay/bizpayurl?pr=abc', 'alice')).rejects.toThrow(
      /缺少 sign/,
    );
    await expect(scanProductQr(sim.ctx, 'https://example.com/', 'alice')).rejects.toThrow(/不是商品二维码/);
  });

  it("surfaces the merchant's refusal (err_code_des) to the payer", async () => {
    behaviour = 'refuse';
    await expect(scanProductQr(sim.ctx, productQr(), 'alice')).rejects.toThrow('商品已售罄');
  });

  it('refuses a merchant reply signed with the wrong key', async () => {
    behaviour = 'bad-sign';
    await expect(scanProductQr(sim.ctx, productQr(), 'alice')).rejects.toThrow(/商户回调应答签名错误/);
  });

  it('reports a merchant callback that fails with HTTP 500', async () => {
    behaviour = 'http-500';
    await expect(scanProductQr(sim.ctx, productQr(), 'alice')).rejects.toThrow(/HTTP 500/);
  });
});
