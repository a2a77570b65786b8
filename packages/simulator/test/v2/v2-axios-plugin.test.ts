/**
 * A v2 round trip through an independent client, wechatpay-axios-plugin, used unmodified as its
 * README shows: it signs the requests its own way and verifies our signed answers itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';

let sim: RunningSimulator;
let wxpay: Wechatpay;

function newWechatpay(secret: string): Wechatpay {
  return new Wechatpay({
    mchid: sim.merchant.mchid,
    serial: sim.merchant.serialNo,
    privateKey: sim.merchant.privateKeyPem,
    certs: { [sim.merchant.publicKeyId]: sim.merchant.publicKeyPem },
    secret,
    baseURL: `${sim.url}/`,
  });
}

const order = (outTradeNo: string) => ({
  appid: sim.merchant.appid,
  mch_id: sim.merchant.mchid,
  body: 'axios 插件订单',
  out_trade_no: outTradeNo,
  total_fee: 1,
  spbill_create_ip: '203.0.113.7',
  notify_url: 'https://merchant.example/notify',
  trade_type: 'NATIVE',
  product_id: 'SKU-AXIOS',
});

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  wxpay = newWechatpay(sim.merchant.apiKey);
});

afterAll(async () => {
  await sim.stop();
});

/** POSTs through one node of their chain (`wxpay.v2.pay.unifiedorder`) and hands back the parsed XML. */
async function post(node: Wechatpay | undefined, data: object): Promise<Record<string, string>> {
  const res = await node!.post(data);
  return res.data as unknown as Record<string, string>;
}

describe('wechatpay-axios-plugin against the simulator', () => {
  it('unifiedorder and orderquery round-trip, their verifier accepting our MD5 answers', async () => {
    const created = await post(wxpay.v2?.pay?.unifiedorder, order('axios-1'));
    expect(created).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'NATIVE' });
    const trade = sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'axios-1' })!;
    expect(created.code_url).toBe(trade.codeUrl);

    sim.ctx.trades.pay(trade, 'alice');
    const queried = await post(wxpay.v2?.pay?.orderquery, {
      appid: sim.merchant.appid,
      mch_id: sim.merchant.mchid,
      out_trade_no: 'axios-1',
    });
    expect(queried).toMatchObject({ trade_state: 'SUCCESS', total_fee: '1', out_trade_no: 'axios-1' });
  });

  it('their HMAC-SHA256 requests get HMAC-SHA256 answers that they verify', async () => {
    const created = await post(wxpay.v2?.pay?.unifiedorder, {
      ...order('axios-2'),
      sign_type: 'HMAC-SHA256',
    });
    expect(created.sign).toHaveLength(64);
    expect(created.result_code).toBe('SUCCESS');
  });

  it('their verifier really checks: an answer altered in transit is refused', async () => {
    const tampering = newWechatpay(sim.merchant.apiKey);
    const forge = (raw: string) =>
      raw.replace('<trade_type><![CDATA[NATIVE]]>', '<trade_type><![CDATA[JSAPI]]>');
    (tampering.client.v2.defaults.transformResponse as unknown as Array<(raw: string) => string>).unshift(
      forge,
    );
    await expect(post(tampering.v2?.pay?.unifiedorder, order('axios-3'))).rejects.toThrow(/sign/i);
  });

  it('a client with the wrong key is told 签名错误', async () => {
    const wrong = newWechatpay('W'.repeat(32));
    const query = { appid: sim.merchant.appid, mch_id: sim.merchant.mchid, out_trade_no: 'axios-1' };
    const error = await post(wrong.v2?.pay?.orderquery, query).catch(
      (e: { response?: { data?: unknown } }) => e,
    );
    expect(error).toMatchObject({ response: { data: { return_code: 'FAIL', return_msg: '签名错误' } } });
  });
});
