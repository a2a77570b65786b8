import { type PaymentAction, playMiniProgramPurchase } from '@wechatpay-kit/simulator';
import { parseCommandArgs, requireOption } from '../arg-parser.js';
import { CliError, type CliIo, ExitCode, UsageError, writeLine } from '../command.js';
import { simulatorUrl } from './sim-control-client.js';

/** How `requestPayment` ends for each choice on the pay sheet. */
const EXPECTED: Record<PaymentAction, (errMsg: string) => boolean> = {
  pay: (errMsg) => errMsg === 'requestPayment:ok',
  cancel: (errMsg) => errMsg === 'requestPayment:fail cancel',
  fail: (errMsg) => errMsg.startsWith('requestPayment:fail ') && errMsg !== 'requestPayment:fail cancel',
};

/**
 * `wxpay sim miniprogram`: plays the merchant's mini-program against the payment service —
 * `wx.login()` in the simulator, login and order at the service, `wx.requestPayment()` back in the
 * simulator. The last line is `requestPayment`'s `errMsg` and the service's order number.
 */
export async function runSimMiniProgram(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    service: { type: 'string' },
    product: { type: 'string' },
    user: { type: 'string' },
    appid: { type: 'string' },
    v2: { type: 'boolean' },
    cancel: { type: 'boolean' },
    fail: { type: 'boolean' },
  });
  if (positionals.length > 0) {
    throw new UsageError('takes options only: --product ID [--service URL] (the service creates the order)');
  }
  if (values.cancel && values.fail) throw new UsageError('give --cancel or --fail, not both');
  const productId = requireOption(values.product, '--product ID');
  const serviceUrl = values.service ?? `http://127.0.0.1:${io.env.PORT?.trim() || '3000'}`;
  const action: PaymentAction = values.cancel ? 'cancel' : values.fail ? 'fail' : 'pay';
  const user = values.user ?? 'alice';
  const apiVersion = values.v2 ? 'v2' : 'v3';

  let outcome: { orderNo: string; errMsg: string };
  try {
    outcome = await playMiniProgramPurchase({
      simulatorUrl: simulatorUrl(io.env),
      serviceUrl,
      user,
      productId,
      apiVersion,
      action,
      ...(values.appid ? { appid: values.appid } : {}),
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  writeLine(io.stdout, `mini-program purchase of ${productId} by ${user} (API ${apiVersion}, ${action})`);
  writeLine(io.stdout, `${outcome.errMsg} ${outcome.orderNo}`);
  if (!EXPECTED[action](outcome.errMsg)) {
    throw new CliError(`${outcome.errMsg} (order ${outcome.orderNo})`);
  }
  return ExitCode.ok;
}
