import type { SimError, SimErrorCode } from '../../engine/sim-error.js';
import { V3Error } from './v3-error.js';

interface V3Refusal {
  status: number;
  code: string;
  /** WeChat's message; without one the engine's own (Chinese) explanation is used. */
  message?: string;
}

/**
 * Every business refusal of the engines in API v3's terms. Sources: the official status table and
 * per-API tables (PROTOCOL.md "Errors"), the 2024 close-order table (400 ORDER_CLOSED, 403
 * OUT_TRADE_NO_USED, 403 NOT_ENOUGH), and real answers quoted by merchants (404
 * `RESOURCE_NOT_EXISTS` "订单不存在" when refunding an unknown order; `ORDERPAID` "订单已支付", an
 * undocumented v3 code seen in the wild). Payment codes: `USERPAYING` as HTTP 202 and `BANK_ERROR`
 * follow the code-payment-v3 pages; the code refusals keep their v2 names, the v3 table not being
 * published in full (see the simulator README, "Payment codes"). Where WeChat's answer is not pinned down (refunding an
 * unpaid order, a reused `out_refund_no` with other parameters) the closest documented code is used.
 */
const TRANSACTION_REFUSALS: Record<SimErrorCode, V3Refusal> = {
  ORDER_NOT_EXIST: { status: 404, code: 'ORDER_NOT_EXIST', message: '订单不存在' },
  OUT_TRADE_NO_USED: { status: 403, code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' },
  ORDER_PAID: { status: 400, code: 'ORDERPAID', message: '订单已支付' },
  ORDER_CLOSED: { status: 400, code: 'ORDER_CLOSED', message: '订单已关闭' },
  ORDER_EXPIRED: { status: 400, code: 'ORDER_CLOSED', message: '订单已关闭' },
  NOT_ENOUGH: { status: 403, code: 'NOT_ENOUGH' },
  OPENID_MISMATCH: { status: 400, code: 'PARAM_ERROR', message: 'appid和openid不匹配' },
  TRADE_STATE_ERROR: { status: 400, code: 'INVALID_REQUEST' },
  REFUND_NOT_EXIST: { status: 404, code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' },
  REFUND_AMOUNT_INVALID: { status: 400, code: 'PARAM_ERROR' },
  REFUND_TOTAL_MISMATCH: { status: 400, code: 'INVALID_REQUEST', message: '订单金额与原订单不一致' },
  REFUND_EXCEEDS_PAID: { status: 400, code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' },
  ORDER_FULLY_REFUNDED: { status: 400, code: 'INVALID_REQUEST', message: '订单已全额退款' },
  REFUND_NO_USED: { status: 400, code: 'INVALID_REQUEST' },
  PARAM_ERROR: { status: 400, code: 'PARAM_ERROR' },
  SYSTEM_ERROR: { status: 500, code: 'SYSTEM_ERROR', message: '系统错误' },
  USERPAYING: { status: 202, code: 'USERPAYING', message: '用户支付中，需要输入密码' },
  AUTH_CODE_ERROR: { status: 400, code: 'PARAM_ERROR', message: '付款码格式错误' },
  AUTH_CODE_INVALID: { status: 400, code: 'AUTH_CODE_INVALID' },
  AUTHCODEEXPIRE: { status: 400, code: 'AUTHCODEEXPIRE' },
  ORDER_REVERSED: { status: 400, code: 'ORDER_REVERSED', message: '订单已撤销' },
  REVERSE_REFUSED: { status: 400, code: 'INVALID_REQUEST' },
  REVERSE_EXPIRE: { status: 400, code: 'INVALID_REQUEST', message: '订单已超过撤销期限' },
  BANK_ERROR: { status: 500, code: 'BANK_ERROR', message: '银行系统异常' },
};

/** The refund API speaks of a missing order as a missing resource. */
const REFUND_OVERRIDES: Partial<Record<SimErrorCode, V3Refusal>> = {
  ORDER_NOT_EXIST: { status: 404, code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' },
};

/**
 * Translates an engine refusal into the v3 answer. The engine's explanation always goes into
 * `detail.issue`, so even a terse WeChat message arrives with the reason behind it.
 */
export function v3ErrorFromSim(error: SimError, api: 'transactions' | 'refunds'): V3Error {
  const refusal =
    (api === 'refunds' ? REFUND_OVERRIDES[error.code] : undefined) ?? TRANSACTION_REFUSALS[error.code];
  return new V3Error(refusal.status, refusal.code, refusal.message ?? error.message, {
    issue: error.message,
  });
}
