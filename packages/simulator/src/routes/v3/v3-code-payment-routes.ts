import { isIP } from 'node:net';
import type { SimContext } from '../../sim-context.js';
import { v3TransactionView } from '../../wire/v3-transaction-view.js';
import type { V3Call, V3Endpoints } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';
import { v3MerchantFields } from './v3-merchant-fields.js';

/** The engine part the payment-code routes use. */
export type V3CodePaymentDeps = Pick<SimContext, 'codePayments'>;

/**
 * Payment codes in API v3 (2024): `POST /v3/pay/transactions/codepay` answers the transaction
 * when paid, 202 `USERPAYING` while the customer types the password, or a refusal;
 * `…/out-trade-no/{out_trade_no}/reverse` answers 204 once the order is `REVOKED` (refunded if it
 * was paid). Query and refund are the ordinary transaction routes.
 */
export function v3CodePaymentRoutes(endpoints: V3Endpoints, ctx: V3CodePaymentDeps): void {
  endpoints.post('/v3/pay/transactions/codepay', { api: 'v3.transactions.codepay' }, (call) => {
    const trade = ctx.codePayments.charge(readCodepay(call));
    return { status: 200, body: v3TransactionView(trade) };
  });

  endpoints.post(
    '/v3/pay/transactions/out-trade-no/:out_trade_no/reverse',
    { api: 'v3.transactions.reverse' },
    (call) => {
      const body = call.json();
      const mchid = v3MerchantFields.mchid(call, body);
      v3MerchantFields.appid(call, body);
      ctx.codePayments.reverse(mchid, { outTradeNo: call.param('out_trade_no') });
      return { status: 204 };
    },
  );
}

function readCodepay(call: V3Call) {
  const body = call.json();
  const { mchid, appid, description, outTradeNo, attach } = v3MerchantFields.orderHead(call, body);
  body.string('goods_tag', { max: 32 });
  const authCode = body.object('payer', { required: true }).string('auth_code', { required: true, max: 128 });
  const amount = body.object('amount', { required: true });
  const totalFen = amount.integer('total', { required: true });
  const currency = amount.string('currency');
  if (currency !== undefined && currency !== 'CNY') {
    throw V3Error.param('amount.currency', `amount.currency must be CNY, got ${currency}`, 'body', currency);
  }
  const scene = body.object('scene_info', { required: true });
  const deviceId = scene.string('device_id', { max: 32 });
  const deviceIp = scene.string('device_ip', { max: 45 });
  if (deviceIp !== undefined && isIP(deviceIp) === 0) {
    throw V3Error.param(
      'scene_info.device_ip',
      `scene_info.device_ip ${deviceIp} is not an IPv4 or IPv6 address`,
      'body',
      deviceIp,
    );
  }
  scene.object('store_info', { required: true }).string('out_id', { required: true, max: 32 });
  return {
    mchid,
    appid,
    apiVersion: 'v3' as const,
    outTradeNo,
    description,
    attach,
    totalFen,
    currency: currency ?? 'CNY',
    clientIp: deviceIp,
    deviceId,
    authCode,
  };
}
