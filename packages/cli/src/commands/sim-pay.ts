import { expectPositionals, parseCommandArgs } from '../arg-parser.js';
import { type CliIo, ExitCode, UsageError, writeLine } from '../command.js';
import { firstDelivery, printDelivery } from './notification-watch.js';
import { callControlApi, simulatorUrl } from './sim-control-client.js';

/** The part of the control API's order detail this command prints. */
interface OrderDetail {
  order: {
    outTradeNo: string;
    mchid: string;
    description: string;
    amountText: string;
    state: string;
    stateDesc: string;
    transactionId?: string;
    payerUser?: string;
    notifyUrl?: string;
  };
}

/**
 * `wxpay sim pay <ref>`: what a person does with the phone page, from a script — pay (or, with
 * `--fail`, make the bank decline) an order found by `code_url`, `out_trade_no`, `prepay_id` or
 * `transaction_id`. Once paid, it waits for the merchant's answer to the payment notification and
 * prints whether WeChat would count it as an ACK; the last line is the new trade state, followed by
 * the transaction id once paid.
 */
export async function runSimPay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    openid: { type: 'string' },
    user: { type: 'string' },
    mchid: { type: 'string' },
    fail: { type: 'boolean' },
  });
  expectPositionals(positionals, 1, 'one order reference');
  const ref = positionals[0];
  if (ref === undefined || ref === '') {
    throw new UsageError('missing the order: a code_url, out_trade_no, prepay_id or transaction_id');
  }
  if (values.openid !== undefined && values.user !== undefined) {
    throw new UsageError('give --openid or --user, not both');
  }
  if (values.fail && (values.openid !== undefined || values.user !== undefined)) {
    throw new UsageError('--fail takes no payer: the bank declines whoever pays');
  }

  const baseUrl = simulatorUrl(io.env);
  const query = values.mchid ? `?mchid=${encodeURIComponent(values.mchid)}` : '';
  const path = `/orders/${encodeURIComponent(ref)}/${values.fail ? 'fail' : 'pay'}${query}`;
  const payer =
    values.openid !== undefined
      ? { openid: values.openid }
      : values.user !== undefined
        ? { user: values.user }
        : {};
  const { order } = await callControlApi<OrderDetail>(baseUrl, 'POST', path, payer);

  writeLine(
    io.stdout,
    `order ${order.outTradeNo} of merchant ${order.mchid}: ${order.description}, ${order.amountText}`,
  );
  writeLine(
    io.stdout,
    order.payerUser ? `${order.stateDesc}, paid by simulated user ${order.payerUser}` : order.stateDesc,
  );
  if (order.state === 'SUCCESS' && order.notifyUrl) {
    // What the merchant answered WeChat's callback, so a script sees whether its handler ACKed.
    const query = { mchid: order.mchid, outTradeNo: order.outTradeNo, kind: 'payment' as const };
    printDelivery(io, await firstDelivery(baseUrl, query));
  }
  writeLine(io.stdout, order.transactionId ? `${order.state} ${order.transactionId}` : order.state);
  return ExitCode.ok;
}
