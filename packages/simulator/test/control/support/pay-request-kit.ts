import {
  jsapiPayParamsV2,
  jsapiPayParamsV3,
  type V2Client,
  type V2SignType,
  type V3Client,
} from '@wechatpay-kit/sdk';
import type { RunningSimulator } from '../../../src/index.js';
import { outTradeNo } from './merchant-kit.js';

/** A JSAPI / mini-program prepay as a merchant holds it after placing the order. */
export interface Prepay {
  outTradeNo: string;
  prepayId: string;
  appid: string;
  /** The payer the order was placed for. */
  openid: string;
  apiVersion: 'v2' | 'v3';
}

/** What the page hands to `getBrandWCPayRequest` (and, without appId, to `wx.requestPayment`). */
export interface ClientPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

export interface PrepayOrder {
  user?: string;
  /** Default: the demo merchant's official account. */
  appid?: string;
  total?: number;
  description?: string;
  notifyUrl?: string;
}

/** Places a v3 JSAPI order through our SDK, for `user`'s openid in `appid`. */
export async function v3Prepay(
  sim: RunningSimulator,
  client: V3Client,
  order: PrepayOrder = {},
): Promise<Prepay> {
  const appid = order.appid ?? sim.merchant.appid;
  const openid = sim.ctx.users.openid(order.user ?? 'bob', appid);
  const no = outTradeNo('PR3');
  const { prepay_id } = await client.transactions.jsapi({
    appid,
    description: order.description ?? '模拟支付请求 pay request',
    out_trade_no: no,
    notify_url: order.notifyUrl ?? 'http://127.0.0.1:9/api/notify/v3',
    amount: { total: order.total ?? 1288 },
    payer: { openid },
  });
  return { outTradeNo: no, prepayId: prepay_id, appid, openid, apiVersion: 'v3' };
}

/** Places a v2 JSAPI order (unifiedorder) through our SDK, for `user`'s openid in the client's app. */
export async function v2Prepay(
  sim: RunningSimulator,
  client: V2Client,
  order: Omit<PrepayOrder, 'appid'> = {},
): Promise<Prepay> {
  const appid = client.appid;
  const openid = sim.ctx.users.openid(order.user ?? 'bob', appid);
  const no = outTradeNo('PR2');
  const { prepay_id } = await client.unifiedOrder({
    body: order.description ?? '模拟支付请求 pay request',
    out_trade_no: no,
    total_fee: order.total ?? 1288,
    spbill_create_ip: '203.0.113.7',
    notify_url: order.notifyUrl ?? 'http://127.0.0.1:9/api/notify/v2',
    trade_type: 'JSAPI',
    openid,
  });
  return { outTradeNo: no, prepayId: prepay_id, appid, openid, apiVersion: 'v2' };
}

/**
 * The client pay parameters the merchant's server signs for a prepay, with our SDK's signers:
 * v3 RSA with the merchant key, v2 with the API key and `signType`.
 */
export function payParamsOf(
  sim: RunningSimulator,
  prepay: Prepay,
  signType: V2SignType = 'MD5',
): ClientPayParams {
  return prepay.apiVersion === 'v3'
    ? jsapiPayParamsV3({
        appId: prepay.appid,
        prepayId: prepay.prepayId,
        privateKey: sim.merchant.privateKeyPem,
      })
    : jsapiPayParamsV2({
        appId: prepay.appid,
        prepayId: prepay.prepayId,
        apiKey: sim.merchant.apiKey,
        signType,
      });
}

/** The same signature with one character changed, as a tampering page would send it. */
export function tampered(paySign: string): string {
  const i = Math.floor(paySign.length / 2);
  const swap = paySign[i] === 'A' ? 'B' : 'A';
  return `${paySign.slice(0, i)}${swap}${paySign.slice(i + 1)}`;
}
