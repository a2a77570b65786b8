import type {
  PaymentCodeCashier,
  PaymentCodeResumer,
  PaymentCodeState,
} from '../core/payment-code-procedure.js';
import { isPaidTradeState } from '../core/trade-state.js';
import { WechatPayApiError } from '../errors.js';
import type { V3Client } from './v3-client.js';
import type { V3CodepayParams } from './v3-codepay-types.js';
import type { V3Transaction } from './v3-types.js';
import { validateCodepay } from './v3-validators.js';

/**
 * `collectPaymentCode`'s port over a {@link V3Client}: codepay, query by `out_trade_no` and
 * reverse for one order. The parameters are checked here, before anything is sent.
 */
export function v3PaymentCodeCashier(
  client: V3Client,
  params: V3CodepayParams,
): PaymentCodeCashier<V3Transaction> {
  validateCodepay(params);
  return {
    ...v3PaymentCodeResumer(client, { out_trade_no: params.out_trade_no, appid: params.appid }),
    pay: async () => v3State(await client.transactions.codepay(params)),
  };
}

/**
 * The query and reverse half of {@link v3PaymentCodeCashier}, for `resumePaymentCode` once the
 * payment code itself is no longer held: the order number and the appid the reverse names.
 */
export function v3PaymentCodeResumer(
  client: V3Client,
  order: { out_trade_no: string; appid: string },
): PaymentCodeResumer<V3Transaction> {
  const no = order.out_trade_no;
  return {
    outTradeNo: no,
    query: async () => v3State(await client.transactions.queryByOutTradeNo(no)),
    reverse: async () => {
      try {
        await client.transactions.reverse(no, { appid: order.appid });
      } catch (err) {
        // The pay call never reached WeChat: nothing was charged and nothing is left to reverse.
        if (!(err instanceof WechatPayApiError && err.code === 'ORDER_NOT_EXIST')) throw err;
      }
      return { recall: false };
    },
  };
}

function v3State(transaction: V3Transaction): PaymentCodeState<V3Transaction> {
  if (isPaidTradeState(transaction.trade_state)) return { state: 'paid', transaction };
  if (transaction.trade_state === 'USERPAYING') return { state: 'paying' };
  if (transaction.trade_state === 'NOTPAY') return { state: 'pending' };
  return { state: 'failed', code: transaction.trade_state, message: transaction.trade_state_desc };
}
