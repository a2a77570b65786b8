import type {
  PaymentCodeCashier,
  PaymentCodeResumer,
  PaymentCodeState,
} from '../core/payment-code-procedure.js';
import { isPaidTradeState } from '../core/trade-state.js';
import { WechatPayApiError } from '../errors.js';
import type { V2Client } from './v2-client.js';
import type { V2MicropayParams, V2OrderQueryResult, V2PaidTrade } from './v2-types.js';
import { validateV2Micropay } from './v2-validators.js';

/**
 * `collectPaymentCode`'s port over a {@link V2Client}: micropay, orderquery and reverse for one
 * order. The parameters are checked here, before anything is sent, so a bad code never becomes
 * an order to reverse.
 */
export function v2PaymentCodeCashier(
  client: V2Client,
  params: V2MicropayParams,
): PaymentCodeCashier<V2PaidTrade> {
  validateV2Micropay(params);
  return {
    ...v2PaymentCodeResumer(client, { out_trade_no: params.out_trade_no }),
    pay: async () => ({ state: 'paid', transaction: await client.micropay(params) }),
  };
}

/**
 * The query and reverse half of {@link v2PaymentCodeCashier}, for `resumePaymentCode` once the
 * payment code itself is no longer held: all it needs is the order number.
 */
export function v2PaymentCodeResumer(
  client: V2Client,
  order: { out_trade_no: string },
): PaymentCodeResumer<V2PaidTrade> {
  const byNo = { out_trade_no: order.out_trade_no };
  return {
    outTradeNo: order.out_trade_no,
    query: async () => v2State(await client.orderQuery(byNo)),
    reverse: async () => {
      try {
        return { recall: (await client.reverse(byNo)).recall === 'Y' };
      } catch (err) {
        // The pay call never reached WeChat: nothing was charged and nothing is left to reverse.
        if (err instanceof WechatPayApiError && err.code === 'ORDERNOTEXIST') return { recall: false };
        // A FAIL answer may still say recall=Y: WeChat wants another call, not a verdict.
        if (
          err instanceof WechatPayApiError &&
          (err.raw as { recall?: string } | undefined)?.recall === 'Y'
        ) {
          return { recall: true };
        }
        throw err;
      }
    },
  };
}

function v2State(answer: V2OrderQueryResult): PaymentCodeState<V2PaidTrade> {
  if (isPaidTradeState(answer.trade_state)) return { state: 'paid', transaction: answer as V2PaidTrade };
  if (answer.trade_state === 'USERPAYING') return { state: 'paying' };
  if (answer.trade_state === 'NOTPAY') return { state: 'pending' };
  return {
    state: 'failed',
    code: answer.trade_state,
    message: answer.trade_state_desc ?? answer.trade_state,
  };
}
