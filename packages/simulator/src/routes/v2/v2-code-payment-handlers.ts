import { isIP } from 'node:net';
import { SimError } from '../../engine/sim-error.js';
import { beijingCompact } from '../../engine/sim-ids.js';
import type { TradeRecord } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import { v2ClientCertificate } from './v2-client-certificate.js';
import { fen, oneOf, optional, outTradeNo, paramError, required } from './v2-field-rules.js';
import type { V2Handler } from './v2-gateway.js';
import { V2ResultFailure } from './v2-replies.js';

/** The engine parts the payment-code handlers use. */
export type V2CodePaymentDeps = Pick<SimContext, 'codePayments'>;

/**
 * `/pay/micropay` (付款码支付: no `notify_url`, the answer is the result) and
 * `/secapi/pay/reverse` (撤销, mutual TLS). Refusals — `USERPAYING`, `NOTENOUGH`, the code's
 * `AUTH_CODE_*` / `AUTHCODEEXPIRE`, `ORDERPAID`, `ORDERREVERSED` — are the engine's, worded by
 * the gateway; a busy reverse answers `recall=Y` (the endpoint's `busyFields`).
 */
export function v2CodePaymentHandlers(ctx: V2CodePaymentDeps): Record<'micropay' | 'reverse', V2Handler> {
  return {
    micropay(call) {
      const f = call.fields;
      const clientIp = required(f, 'spbill_create_ip', 64);
      if (!isIP(clientIp)) {
        throw paramError(
          'spbill_create_ip参数格式错误',
          `spbill_create_ip must be an IP address, got "${clientIp}"`,
        );
      }
      const currency = optional(f, 'fee_type', 16) ?? 'CNY';
      if (currency !== 'CNY') throw paramError('fee_type参数错误', 'only CNY is accepted');
      const deviceInfo = optional(f, 'device_info', 32);
      const trade = chargeOrExplain(() =>
        ctx.codePayments.charge({
          mchid: call.merchant.mchid,
          appid: call.appid,
          apiVersion: 'v2',
          outTradeNo: outTradeNo(required(f, 'out_trade_no', 32)),
          description: required(f, 'body', 128),
          attach: optional(f, 'attach', 127),
          totalFen: fen(f, 'total_fee', '订单金额'),
          currency,
          clientIp,
          deviceId: deviceInfo,
          signType: call.signType,
          authCode: required(f, 'auth_code', 128),
        }),
      );
      return {
        fields: {
          device_info: deviceInfo,
          openid: trade.payerOpenid,
          is_subscribe: 'N',
          trade_type: 'MICROPAY',
          bank_type: trade.bankType,
          fee_type: trade.currency,
          total_fee: trade.totalFen,
          cash_fee_type: trade.currency,
          cash_fee: trade.totalFen,
          transaction_id: trade.transactionId,
          out_trade_no: trade.outTradeNo,
          attach: trade.attach,
          time_end: beijingCompact(trade.paidAt!),
        },
      };
    },

    reverse(call) {
      v2ClientCertificate.checkOwner(call);
      const by = oneOf(call.fields, ['transaction_id', 'out_trade_no'] as const);
      const ref =
        by.name === 'transaction_id' ? { transactionId: by.value } : { outTradeNo: outTradeNo(by.value) };
      ctx.codePayments.reverse(call.merchant.mchid, ref);
      return { fields: { recall: 'N' } };
    },
  };
}

/** micropay's table names a reused `out_trade_no` itself (unifiedorder says INVALID_REQUEST). */
function chargeOrExplain(charge: () => TradeRecord): TradeRecord {
  try {
    return charge();
  } catch (error) {
    if (error instanceof SimError && error.code === 'OUT_TRADE_NO_USED') {
      throw new V2ResultFailure('OUT_TRADE_NO_USED', '商户订单号重复', error.message);
    }
    throw error;
  }
}
