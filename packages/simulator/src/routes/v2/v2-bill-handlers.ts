import { gzipSync } from 'node:zlib';
import {
  buildFundFlowBill,
  buildTradeBill,
  fundFlowBillIsEmpty,
  tradeBillIsEmpty,
} from '../../engine/bill-builder.js';
import type { SimContext } from '../../sim-context.js';
import { oneOfValues, optional, required } from './v2-field-rules.js';
import type { V2Call, V2Handler, V2Outcome } from './v2-gateway.js';
import { V2ReturnFailure } from './v2-replies.js';

const BILL_TYPES = ['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND'] as const;
const ACCOUNT_TYPES = ['Basic', 'Operation', 'Fees'] as const;

/** Bills read the trades and refunds. */
export type V2BillDeps = Pick<SimContext, 'refunds' | 'trades'>;

/**
 * `downloadbill` and `downloadfundflow`: the day's bill as CSV text (or gzip bytes with
 * `tar_type=GZIP`); a day without entries is WeChat's `return_code=FAIL` "No Bill Exist" with
 * `error_code` 20002. Unlike WeChat, which publishes a day's bill after 9 am the next day, the
 * simulator serves any day at once, today included, so a test can reconcile what it just did.
 */
export function v2BillHandlers(ctx: V2BillDeps): Record<'downloadBill' | 'downloadFundFlow', V2Handler> {
  return {
    downloadBill(call) {
      const date = billDate(call);
      const type = oneOfValues(optional(call.fields, 'bill_type', 16) ?? 'ALL', 'bill_type', BILL_TYPES);
      const gzip = tarType(call);
      if (type === 'RECHARGE_REFUND') throw noBill('the simulator has no recharge refunds');
      const input = {
        trades: ctx.trades.list({ mchid: call.merchant.mchid }),
        refunds: ctx.refunds.list(call.merchant.mchid),
        date,
        type,
        mchid: call.merchant.mchid,
      };
      if (tradeBillIsEmpty(input))
        throw noBill(`merchant ${call.merchant.mchid} has no ${type} entries on ${date} (UTC+8)`);
      return billBody(buildTradeBill(input), gzip);
    },

    downloadFundFlow(call) {
      if (call.signType !== 'HMAC-SHA256') {
        throw new V2ReturnFailure(
          'sign_type参数错误',
          'PARAM_ERROR',
          'downloadfundflow is signed with HMAC-SHA256 only',
        );
      }
      const date = billDate(call);
      const account = oneOfValues(required(call.fields, 'account_type', 16), 'account_type', ACCOUNT_TYPES);
      const gzip = tarType(call);
      const input = {
        trades: ctx.trades.list({ mchid: call.merchant.mchid }),
        refunds: ctx.refunds.list(call.merchant.mchid),
        date,
        mchid: call.merchant.mchid,
      };
      if (account !== 'Basic' || fundFlowBillIsEmpty(input)) {
        throw noBill(
          `nothing moved on merchant ${call.merchant.mchid}'s ${account} account on ${date} (UTC+8)`,
        );
      }
      return billBody(buildFundFlowBill(input), gzip);
    },
  };
}

/** `yyyyMMdd` → `YYYY-MM-DD`, refusing dates that do not exist. */
function billDate(call: V2Call): string {
  const value = required(call.fields, 'bill_date', 8);
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (!m || Number.isNaN(Date.parse(iso)) || new Date(Date.parse(iso)).toISOString().slice(0, 10) !== iso) {
    throw new V2ReturnFailure(
      'invalid bill_date',
      'PARAM_ERROR',
      `bill_date must be a real date written yyyyMMdd, got "${value}"`,
    );
  }
  return iso;
}

function tarType(call: V2Call): boolean {
  const value = optional(call.fields, 'tar_type', 8);
  if (value !== undefined && value !== 'GZIP') {
    throw new V2ReturnFailure(
      'invalid tar_type',
      'PARAM_ERROR',
      'tar_type can only be GZIP (or absent for plain text)',
    );
  }
  return value === 'GZIP';
}

function noBill(hint: string): V2ReturnFailure {
  return new V2ReturnFailure('No Bill Exist', undefined, hint, { error_code: '20002' });
}

function billBody(csv: string, gzip: boolean): V2Outcome {
  return gzip
    ? { body: gzipSync(csv), contentType: 'application/x-gzip' }
    : { body: csv, contentType: 'text/plain; charset=utf-8' };
}
