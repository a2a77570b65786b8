/**
 * `/secapi/pay/refund` over HTTPS, where the merchant's API certificate is really checked: the
 * merchant's own certificate works, no certificate or a foreign one meets WeChat's nginx 400 page,
 * and another merchant's certificate is refused for this merchant.
 */
import { request as httpsRequest } from 'node:https';
import { UndiciHttpClient, type V2Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../../../sdk/test/support/fixtures.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from './v2-client-for.js';
import { signedBody } from './v2-test-kit.js';

let sim: RunningSimulator;
let http: UndiciHttpClient;

function clientWith(tls: { cert: string; key: string }): V2Client {
  return v2ClientFor(sim, {
    http,
    tls: { ...tls, ca: sim.caCertificatePem! },
    retry: { retries: 0, baseDelayMs: 0 },
  });
}

/** A raw HTTPS POST that trusts the simulator's CA and presents the given client certificate, if any. */
function postTls(
  path: string,
  body: string,
  cert?: { cert: string; key: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${sim.url}${path}`,
      { method: 'POST', ca: sim.caCertificatePem, ...cert, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const refundBody = (outRefundNo: string) =>
  signedBody(sim, { out_trade_no: 'tls-1', out_refund_no: outRefundNo, total_fee: 100, refund_fee: 10 });

beforeAll(async () => {
  sim = await startSimulator({ port: 0, https: true });
  http = new UndiciHttpClient({ tls: { ca: sim.caCertificatePem! } });
  const client = clientWith({ cert: sim.merchant.certificatePem, key: sim.merchant.privateKeyPem });
  await client.unifiedOrder({
    body: '模拟商品',
    out_trade_no: 'tls-1',
    total_fee: 100,
    spbill_create_ip: '203.0.113.7',
    notify_url: 'http://127.0.0.1:9/notify',
    trade_type: 'NATIVE',
    product_id: 'SKU-1',
  });
  sim.ctx.trades.pay(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'tls-1' })!, 'alice');
  await client.close();
});

afterAll(async () => {
  await http.close();
  await sim.stop();
});

describe('refund over mutual TLS', () => {
  it('succeeds with the merchant API certificate', async () => {
    expect(sim.url).toMatch(/^https:/);
    const client = clientWith({ cert: sim.merchant.certificatePem, key: sim.merchant.privateKeyPem });
    const answer = await client.refund({
      out_trade_no: 'tls-1',
      out_refund_no: 'tls-r1',
      total_fee: 100,
      refund_fee: 10,
    });
    await client.close();
    expect(answer).toMatchObject({ result_code: 'SUCCESS', out_refund_no: 'tls-r1', refund_fee: 10 });
  });

  it('without a client certificate it is nginx 400 "No required SSL certificate was sent"', async () => {
    const answer = await postTls('/secapi/pay/refund', refundBody('tls-r2'));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('No required SSL certificate was sent');
    expect(sim.ctx.refunds.find(sim.merchant.mchid, 'tls-r2')).toBeUndefined();
  });

  it('with a certificate the merchant CA did not issue it is 400 "The SSL certificate error"', async () => {
    const client = clientWith({ cert: fixtures.merchantCert, key: fixtures.merchantKey });
    const refused = client.refund({
      out_trade_no: 'tls-1',
      out_refund_no: 'tls-r3',
      total_fee: 100,
      refund_fee: 10,
    });
    await expect(refused).rejects.toMatchObject({ code: 'HTTP_400', status: 400 });
    await client.close();
    const raw = await postTls('/secapi/pay/refund', refundBody('tls-r3'), {
      cert: fixtures.merchantCert,
      key: fixtures.merchantKey,
    });
    expect(raw.text).toContain('The SSL certificate error');
    expect(sim.ctx.refunds.find(sim.merchant.mchid, 'tls-r3')).toBeUndefined();
  });

  it("another merchant's genuine certificate is refused for this merchant", async () => {
    const other = await sim.ctx.merchants.create({ mchid: '1900000888' });
    const client = clientWith({ cert: other.merchantCertificatePem, key: other.merchantPrivateKeyPem });
    const refused = client.refund({
      out_trade_no: 'tls-1',
      out_refund_no: 'tls-r4',
      total_fee: 100,
      refund_fee: 10,
    });
    await expect(refused).rejects.toMatchObject({
      returnCode: 'FAIL',
      raw: { return_code: 'FAIL', return_msg: '证书与商户号不匹配' },
    });
    await client.close();
    expect(sim.ctx.refunds.find(sim.merchant.mchid, 'tls-r4')).toBeUndefined();
  });

  it('the other APIs do not ask for the certificate', async () => {
    const plain = v2ClientFor(sim, {
      http,
    });
    const answer = await plain.orderQuery({ out_trade_no: 'tls-1' });
    await plain.close();
    expect(answer.trade_state).toBe('REFUND');
  });
});
