import { expectPositionals, parseCommandArgs } from '../arg-parser.js';
import { type CliIo, ExitCode, UsageError, writeLine } from '../command.js';
import { type DeliveryReport, printDelivery } from './notification-watch.js';
import { callControlApi, simulatorUrl } from './sim-control-client.js';

const UNITS = { ms: 'ms', s: 'seconds', m: 'minutes', h: 'hours', d: 'days' } as const;

/** `wxpay sim clock [advance DURATION]`: shows, or moves, the simulator's business clock. */
export async function runSimClock(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const baseUrl = simulatorUrl(io.env);
  let clock: { iso: string; offsetMs: number };
  if (positionals.length === 0) {
    clock = await callControlApi(baseUrl, 'GET', '/clock');
  } else {
    if (positionals[0] !== 'advance') throw new UsageError('sim clock takes "advance DURATION" or nothing');
    expectPositionals(positionals, 2, 'one DURATION');
    clock = await callControlApi(baseUrl, 'POST', '/clock/advance', duration(positionals[1]));
  }
  writeLine(
    io.stdout,
    `simulated time ${clock.iso} (${Math.round(clock.offsetMs / 1000)} s ahead of real time)`,
  );
  return ExitCode.ok;
}

/** `90s`, `5m`, `2h`, `1.5d`, `500ms` → the control API's `{ "minutes": 5 }`. */
function duration(text: string | undefined): Record<string, number> {
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new UsageError('DURATION is a number and a unit: 500ms, 90s, 5m, 2h or 1d');
  return { [UNITS[match[2] as keyof typeof UNITS]]: Number(match[1]) };
}

/** `wxpay sim resend ID`: sends a notification again now, as the merchant platform's button does. */
export async function runSimResend(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  expectPositionals(positionals, 1, 'one notification id');
  const id = positionals[0];
  if (!id) throw new UsageError('missing the notification id (wxpay sim logs shows them)');
  const sent = await callControlApi<{ event: string; url: string; lastAttempt?: DeliveryReport }>(
    simulatorUrl(io.env),
    'POST',
    `/notifications/${encodeURIComponent(id)}/resend`,
    {},
  );
  if (!sent.lastAttempt) throw new UsageError(`notification ${id} was not sent`);
  printDelivery(io, { ...sent, lastAttempt: sent.lastAttempt });
  return sent.lastAttempt.acked ? ExitCode.ok : ExitCode.failure;
}

const OUTCOMES = ['SUCCESS', 'ABNORMAL', 'CLOSED'] as const;

/** `wxpay sim refund-settle OUT_REFUND_NO [--outcome …]`: ends a PROCESSING refund now. */
export async function runSimRefundSettle(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    outcome: { type: 'string' },
    mchid: { type: 'string' },
  });
  expectPositionals(positionals, 1, 'one out_refund_no');
  const outRefundNo = positionals[0];
  if (!outRefundNo) throw new UsageError('missing the out_refund_no');
  const outcome = (values.outcome ?? 'SUCCESS').toUpperCase();
  if (!OUTCOMES.includes(outcome as (typeof OUTCOMES)[number])) {
    throw new UsageError(`--outcome is ${OUTCOMES.join(', ')}`);
  }
  const baseUrl = simulatorUrl(io.env);
  const mchid =
    values.mchid ?? (await callControlApi<{ mchid: string }[]>(baseUrl, 'GET', '/merchants'))[0]?.mchid;
  if (!mchid) throw new UsageError('the simulator has no merchant');
  const refund = await callControlApi<{ outRefundNo: string; status: string }>(
    baseUrl,
    'POST',
    `/refunds/${encodeURIComponent(mchid)}/${encodeURIComponent(outRefundNo)}/settle`,
    { outcome },
  );
  writeLine(io.stdout, `refund ${refund.outRefundNo} ${refund.status}`);
  return ExitCode.ok;
}

/**
 * `wxpay sim close <out_trade_no|code_url|prepay_id>`: WeChat's side of closing an unpaid order,
 * for testing what the merchant does when WeChat already says CLOSED. A paid order is refused.
 */
export async function runSimClose(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { mchid: { type: 'string' } });
  expectPositionals(positionals, 1, 'one order reference');
  const ref = positionals[0];
  if (!ref) throw new UsageError('missing the order (out_trade_no, code_url or prepay_id)');
  const query = values.mchid ? `?mchid=${encodeURIComponent(values.mchid)}` : '';
  const { order } = await callControlApi<{ order: { outTradeNo: string; state: string } }>(
    simulatorUrl(io.env),
    'POST',
    `/orders/${encodeURIComponent(ref)}/close${query}`,
    {},
  );
  writeLine(io.stdout, `order ${order.outTradeNo} ${order.state}`);
  return ExitCode.ok;
}

/**
 * `wxpay sim payment-code [--user NAME]`: a fresh payment code (付款码) of a simulated user, as their
 * phone shows it, for typing or piping into a cashier (one line: the 18 digits).
 */
export async function runSimPaymentCode(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { user: { type: 'string' } });
  expectPositionals(positionals, 0, 'no argument (the user is --user)');
  const user = values.user ?? 'alice';
  const code = await callControlApi<{ authCode: string; expiresAt: string }>(
    simulatorUrl(io.env),
    'POST',
    `/users/${encodeURIComponent(user)}/payment-code`,
    {},
  );
  writeLine(io.stderr, `payment code of ${user}, valid until ${code.expiresAt} (simulated clock), once:`);
  writeLine(io.stdout, code.authCode);
  return ExitCode.ok;
}

/**
 * `wxpay sim password <out_trade_no> [--cancel | --wrong] [--mchid M]`: the customer answers the
 * password sheet of a payment code waiting in USERPAYING — types the PIN (default), closes the
 * sheet, or mistypes it (three times and WeChat gives up).
 */
export async function runSimPassword(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    cancel: { type: 'boolean' },
    wrong: { type: 'boolean' },
    mchid: { type: 'string' },
  });
  expectPositionals(positionals, 1, 'one order (its out_trade_no)');
  if (values.cancel && values.wrong) throw new UsageError('--cancel and --wrong exclude each other');
  const action = values.cancel ? 'cancel' : values.wrong ? 'wrong' : 'pay';
  const query = values.mchid ? `?mchid=${encodeURIComponent(values.mchid)}` : '';
  const order = await callControlApi<{ outTradeNo: string; state: string; stateDesc: string }>(
    simulatorUrl(io.env),
    'POST',
    `/orders/${encodeURIComponent(positionals[0]!)}/password${query}`,
    { action },
  );
  writeLine(io.stdout, `order ${order.outTradeNo} ${order.state} (${order.stateDesc})`);
  return ExitCode.ok;
}
