import type { TradeRef } from '../../engine/trade-engine.js';
import type { SimContext } from '../../sim-context.js';
import { v3RefundView } from '../../wire/v3-refund-view.js';
import type { V3Endpoints } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';

const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const FUNDS_ACCOUNTS = new Set(['AVAILABLE', 'UNSETTLED']);

/** The refund routes use the refund engine alone. */
export type V3RefundDeps = Pick<SimContext, 'refunds'>;

/**
 * `/v3/refund/domestic/refunds`: start a refund (PROCESSING, settled later by the refund engine on
 * the simulated clock) and query it. The engine enforces the money rules: only paid orders, the
 * original total, never more than what is left, and a retried `out_refund_no` returns the same refund.
 */
export function v3RefundRoutes(endpoints: V3Endpoints, ctx: V3RefundDeps): void {
  endpoints.post('/v3/refund/domestic/refunds', { api: 'v3.refunds.create' }, (call) => {
    const body = call.json();
    const transactionId = body.string('transaction_id', { max: 32 });
    const outTradeNo = body.string('out_trade_no', { max: 32 });
    if ((transactionId === undefined) === (outTradeNo === undefined)) {
      throw V3Error.param('transaction_id', 'give exactly one of transaction_id and out_trade_no');
    }
    const trade: TradeRef = transactionId !== undefined ? { transactionId } : { outTradeNo: outTradeNo! };
    const outRefundNo = body.string('out_refund_no', {
      required: true,
      pattern: OUT_REFUND_NO,
      patternHint: '1–64 characters of [0-9A-Za-z_-|*@]',
    });
    const reason = body.string('reason', { max: 80 });
    const notifyUrl = body.string('notify_url', { max: 256 });
    if (notifyUrl !== undefined && !/^https?:\/\/\S+$/.test(notifyUrl)) {
      throw V3Error.param('notify_url', 'notify_url must be an absolute http(s) URL', 'body', notifyUrl);
    }
    const fundsAccount = body.string('funds_account');
    if (fundsAccount !== undefined && !FUNDS_ACCOUNTS.has(fundsAccount)) {
      throw V3Error.param(
        'funds_account',
        'funds_account must be AVAILABLE or UNSETTLED',
        'body',
        fundsAccount,
      );
    }
    const amount = body.object('amount', { required: true });
    const refundFen = amount.integer('refund', { required: true });
    const totalFen = amount.integer('total', { required: true });
    const currency = amount.string('currency', { required: true });
    if (currency !== 'CNY')
      throw V3Error.param(
        'amount.currency',
        `amount.currency must be CNY, got ${currency}`,
        'body',
        currency,
      );
    if (refundFen > totalFen) {
      throw V3Error.param(
        'amount.refund',
        `amount.refund ${refundFen} exceeds amount.total ${totalFen}`,
        'body',
        refundFen,
      );
    }

    const { refund } = ctx.refunds.create({
      mchid: call.caller.mchid,
      trade,
      outRefundNo,
      totalFen,
      refundFen,
      reason,
      notifyUrl,
      apiVersion: 'v3',
    });
    return { status: 200, body: v3RefundView(refund) };
  });

  endpoints.get('/v3/refund/domestic/refunds/:out_refund_no', { api: 'v3.refunds.query' }, (call) => {
    const outRefundNo = call.param('out_refund_no');
    const refund = ctx.refunds.find(call.caller.mchid, outRefundNo);
    if (!refund) {
      throw new V3Error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在', {
        issue: `merchant ${call.caller.mchid} has no refund with out_refund_no ${outRefundNo}`,
      });
    }
    return { status: 200, body: v3RefundView(refund) };
  });
}
