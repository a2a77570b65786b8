import type { V2Fields } from '@wechatpay-kit/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { beijingDateTime } from '../../engine/bill-format.js';
import type { RefundRecord } from '../../engine/sim-records.js';
import type { TradeRef } from '../../engine/trade-engine.js';
import type { SimContext } from '../../sim-context.js';
import { V2_REFUND_STATUS } from '../../wire/v2-refund-status.js';
import { v2ClientCertificate } from './v2-client-certificate.js';
import { fen, oneOf, optional, outRefundNo, outTradeNo, required } from './v2-field-rules.js';
import type { V2Handler } from './v2-gateway.js';
import { V2_REFUND_FEE_MISMATCH, V2ResultFailure, V2ReturnFailure } from './v2-replies.js';

/** refundquery lists at most this many refunds per page (`offset` pages on). */
const REFUNDS_PER_PAGE = 10;

/** Refunds read the trades and create or find refunds. */
export type V2RefundDeps = Pick<SimContext, 'refunds' | 'trades'>;

/**
 * `/secapi/pay/refund` (mutual TLS) and `/pay/refundquery`. Over HTTPS the client certificate is
 * checked twice, as at WeChat: by the TLS front (none, or not issued by the merchant CA → nginx's
 * HTTP 400 page) and then against the merchant named in the body (serial must be that merchant's).
 * Over plain HTTP nothing can be checked; the answer says so in `X-Sim-Warning`.
 */
export function v2RefundHandlers(ctx: V2RefundDeps): {
  screenClientCertificate: (request: FastifyRequest, reply: FastifyReply) => void;
  refund: V2Handler;
  refundQuery: V2Handler;
} {
  return {
    screenClientCertificate: v2ClientCertificate.screen,

    refund(call) {
      v2ClientCertificate.checkOwner(call);
      const f = call.fields;
      const by = oneOf(f, ['transaction_id', 'out_trade_no'] as const);
      const trade: TradeRef =
        by.name === 'transaction_id' ? { transactionId: by.value } : { outTradeNo: outTradeNo(by.value) };
      const refundNo = outRefundNo(required(f, 'out_refund_no', 64));
      const totalFen = fen(f, 'total_fee', '订单金额');
      const refundFen = fen(f, 'refund_fee', '退款金额');
      if (refundFen > totalFen) {
        throw new V2ReturnFailure(
          'invalid refund_fee',
          'PARAM_ERROR',
          `refund_fee ${refundFen} exceeds total_fee ${totalFen}`,
        );
      }
      const mchid = call.merchant.mchid;
      const order = ctx.trades.find(mchid, trade);
      if (!order) {
        throw by.name === 'transaction_id'
          ? new V2ResultFailure(
              'INVALID_TRANSACTIONID',
              '无效transaction_id',
              `merchant ${mchid} has no order with transaction_id ${by.value}`,
            )
          : new V2ResultFailure('ORDERNOTEXIST', '订单不存在', `merchant ${mchid} has no order ${by.value}`);
      }
      const earlier = ctx.refunds.find(mchid, refundNo);
      if (earlier && earlier.outTradeNo === order.outTradeNo && earlier.refundFen !== refundFen) {
        throw new V2ResultFailure(
          'REFUND_FEE_MISMATCH',
          V2_REFUND_FEE_MISMATCH,
          `out_refund_no ${refundNo} already refunded ${earlier.refundFen} fen`,
        );
      }
      const { refund } = ctx.refunds.create({
        mchid,
        trade,
        outRefundNo: refundNo,
        totalFen,
        refundFen,
        reason: optional(f, 'refund_desc', 80),
        notifyUrl: optional(f, 'notify_url', 256),
        apiVersion: 'v2',
      });
      return {
        fields: {
          transaction_id: refund.transactionId,
          out_trade_no: refund.outTradeNo,
          out_refund_no: refund.outRefundNo,
          refund_id: refund.refundId,
          refund_fee: refund.refundFen,
          total_fee: refund.totalFen,
          fee_type: order.currency,
          cash_fee: refund.totalFen,
          cash_refund_fee: refund.refundFen,
          coupon_refund_fee: 0,
        },
      };
    },

    refundQuery(call) {
      const mchid = call.merchant.mchid;
      const by = oneOf(call.fields, [
        'refund_id',
        'out_refund_no',
        'transaction_id',
        'out_trade_no',
      ] as const);
      const offsetText = optional(call.fields, 'offset', 10);
      const offset = offsetText === undefined ? 0 : Number(offsetText);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new V2ReturnFailure('invalid offset', 'PARAM_ERROR', 'offset must be a non-negative integer');
      }
      let refunds: RefundRecord[];
      if (by.name === 'refund_id' || by.name === 'out_refund_no') {
        const one =
          by.name === 'out_refund_no'
            ? ctx.refunds.find(mchid, by.value)
            : ctx.refunds.list(mchid).find((r) => r.refundId === by.value);
        refunds = one ? [one] : [];
      } else {
        const order = ctx.trades.find(
          mchid,
          by.name === 'transaction_id' ? { transactionId: by.value } : { outTradeNo: by.value },
        );
        refunds = order ? ctx.refunds.ofTrade(mchid, order.outTradeNo) : [];
      }
      const page = refunds.slice(offset, offset + REFUNDS_PER_PAGE);
      const first = page[0];
      if (!first)
        throw new V2ResultFailure(
          'REFUNDNOTEXIST',
          '退款订单查询失败',
          `no refund of merchant ${mchid} matches ${by.name} ${by.value}${offset ? ` at offset ${offset}` : ''}`,
        );
      const order = ctx.trades.find(mchid, { outTradeNo: first.outTradeNo });
      const fields: V2Fields = {
        transaction_id: first.transactionId,
        out_trade_no: first.outTradeNo,
        total_fee: first.totalFen,
        fee_type: order?.currency ?? 'CNY',
        cash_fee: first.totalFen,
        refund_count: page.length,
        total_refund_count:
          offsetText !== undefined || refunds.length > REFUNDS_PER_PAGE ? refunds.length : undefined,
      };
      for (const [n, refund] of page.entries()) Object.assign(fields, refundItem(refund, n));
      return { fields };
    },
  };
}

function refundItem(refund: RefundRecord, n: number): V2Fields {
  return {
    [`out_refund_no_${n}`]: refund.outRefundNo,
    [`refund_id_${n}`]: refund.refundId,
    [`refund_channel_${n}`]: 'ORIGINAL',
    [`refund_fee_${n}`]: refund.refundFen,
    [`settlement_refund_fee_${n}`]: refund.status === 'CLOSED' ? 0 : refund.refundFen,
    [`refund_status_${n}`]: V2_REFUND_STATUS[refund.status],
    [`refund_account_${n}`]: 'REFUND_SOURCE_UNSETTLED_FUNDS',
    [`refund_recv_accout_${n}`]: '支付用户的零钱',
    [`refund_success_time_${n}`]:
      refund.successAt === undefined ? undefined : beijingDateTime(refund.successAt),
  };
}

/** After the body names the merchant: the certificate must be that merchant's own. */
