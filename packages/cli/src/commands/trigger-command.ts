import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { V2Client, V3Client } from '@wechatpay-kit/sdk';
import type { SimMerchantConfig } from '@wechatpay-kit/simulator';
import { expectPositionals, parseCommandArgs, requireOption } from '../arg-parser.js';
import { type CliIo, type Command, ExitCode, UsageError } from '../command.js';
import { firstDelivery, printDelivery } from './notification-watch.js';
import { callControlApi, simulatorUrl } from './sim-control-client.js';

const EVENTS = [
  'payment.success',
  'payment.success.v2',
  'refund.success',
  'refund.abnormal',
  'refund.closed',
] as const;
type TriggerEvent = (typeof EVENTS)[number];

const REFUND_OUTCOME = {
  'refund.success': 'SUCCESS',
  'refund.abnormal': 'ABNORMAL',
  'refund.closed': 'CLOSED',
} as const;

/**
 * `wxpay trigger <event> --to URL`: the developer's own notification handler gets a callback
 * exactly as WeChat sends it — a real order at the running simulator, paid (and refunded), so the
 * simulator's notifier signs, encrypts and delivers it — and the command prints the handler's
 * answer and whether WeChat would have counted it as an acknowledgement.
 */
export const triggerCommand: Command = {
  name: 'trigger',
  synopsis: [`trigger <${EVENTS.join('|')}> --to URL [--out-trade-no N] [--amount FEN] [--mchid M]`],
  summary: 'sends a genuine, signed WeChat Pay notification to your handler and shows its answer',
  help: `Usage: wxpay trigger <event> --to URL [--out-trade-no N] [--amount FEN] [--mchid M]

Makes the running simulator (SIM_URL, default http://127.0.0.1:3100) send a notification to URL,
your own handler, signed and (v3) encrypted with the simulated merchant's keys, exactly as WeChat
would: it places a Native order with notify_url=URL, pays it and, for refund events, refunds it in
full and settles the refund with that outcome. Prints your handler's HTTP status and answer, then
whether WeChat would count it as an ACK (and otherwise resend it on its schedule).

Events:
  payment.success      v3 TRANSACTION.SUCCESS (AEAD_AES_256_GCM, WECHATPAY2-SHA256-RSA2048)
  payment.success.v2   v2 payment result XML, signed with the API key
  refund.success       v3 REFUND.SUCCESS   (the payment notification goes to a local sink, not URL)
  refund.abnormal      v3 REFUND.ABNORMAL
  refund.closed        v3 REFUND.CLOSED

Options:
  --to URL           where to send it (required)
  --out-trade-no N   the order number (default: a new TRIG… number)
  --amount FEN       integer fen (default 1)
  --mchid M          which simulated merchant (default the demo merchant)

Exit status 0 when the answer counts as an ACK, 1 when WeChat would resend.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      to: { type: 'string' },
      'out-trade-no': { type: 'string' },
      amount: { type: 'string' },
      mchid: { type: 'string' },
    });
    expectPositionals(positionals, 1, 'one event');
    const event = positionals[0] as TriggerEvent | undefined;
    if (!event || !EVENTS.includes(event)) {
      throw new UsageError(`the event must be one of ${EVENTS.join(', ')}`);
    }
    const to = requireOption(values.to, '--to');
    if (!/^https?:\/\/[^\s/]+/.test(to)) throw new UsageError('--to must be an http:// or https:// URL');
    const amountFen = values.amount === undefined ? 1 : Number(values.amount);
    if (!Number.isSafeInteger(amountFen) || amountFen < 1) {
      throw new UsageError('--amount is in fen: a whole number of at least 1');
    }
    const outTradeNo = values['out-trade-no'] ?? `TRIG${Date.now().toString(36).toUpperCase()}`;
    if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
      throw new UsageError('--out-trade-no: 6 to 32 letters, digits or _-|*');
    }

    const simUrl = simulatorUrl(io.env);
    const merchant = await merchantOf(simUrl, values.mchid);
    const order = { mchid: merchant.mchid, outTradeNo, amountFen };
    if (event === 'payment.success' || event === 'payment.success.v2') {
      if (event === 'payment.success') await placeV3(merchant, simUrl, order, to);
      else await placeV2(merchant, simUrl, order, to);
      await pay(simUrl, order);
      return reported(io, await firstDelivery(simUrl, { ...order, kind: 'payment' }));
    }
    const sink = await acknowledgingSink();
    try {
      await placeV3(merchant, simUrl, order, sink.url);
      await pay(simUrl, order);
      await firstDelivery(simUrl, { ...order, kind: 'payment' });
    } finally {
      await sink.close();
    }
    const outRefundNo = await refund(merchant, simUrl, order, to, REFUND_OUTCOME[event]);
    return reported(io, await firstDelivery(simUrl, { ...order, kind: 'refund', outRefundNo }));
  },
};

function reported(io: CliIo, delivery: Awaited<ReturnType<typeof firstDelivery>>): number {
  printDelivery(io, delivery);
  return delivery.lastAttempt.acked ? ExitCode.ok : ExitCode.failure;
}

interface TriggerOrder {
  mchid: string;
  outTradeNo: string;
  amountFen: number;
}

async function merchantOf(simUrl: string, mchid: string | undefined): Promise<SimMerchantConfig> {
  const chosen = mchid ?? (await callControlApi<{ mchid: string }[]>(simUrl, 'GET', '/merchants'))[0]?.mchid;
  if (!chosen) throw new UsageError('the simulator has no merchant');
  return callControlApi<SimMerchantConfig>(simUrl, 'GET', `/merchants/${encodeURIComponent(chosen)}/config`);
}

/** The SDK clients of the simulated merchant, built from the options the simulator exports. */
async function clientOptions(merchant: SimMerchantConfig, simUrl: string) {
  const { merchantClientOptions } = await import('@wechatpay-kit/simulator');
  const options = merchantClientOptions({ ...merchant, baseUrl: simUrl });
  return { v3: { ...options.v3, retry: false as const }, v2: options.v2 };
}

async function placeV3(merchant: SimMerchantConfig, simUrl: string, order: TriggerOrder, notifyUrl: string) {
  const client = new V3Client((await clientOptions(merchant, simUrl)).v3);
  try {
    await client.transactions.native({
      appid: merchant.appid,
      description: 'wxpay trigger',
      out_trade_no: order.outTradeNo,
      notify_url: notifyUrl,
      amount: { total: order.amountFen },
    });
  } finally {
    await client.close();
  }
}

async function placeV2(merchant: SimMerchantConfig, simUrl: string, order: TriggerOrder, notifyUrl: string) {
  const client = new V2Client((await clientOptions(merchant, simUrl)).v2);
  try {
    await client.unifiedOrder({
      body: 'wxpay trigger',
      out_trade_no: order.outTradeNo,
      total_fee: order.amountFen,
      spbill_create_ip: '127.0.0.1',
      notify_url: notifyUrl,
      trade_type: 'NATIVE',
      product_id: 'wxpay-trigger',
    });
  } finally {
    await client.close();
  }
}

async function pay(simUrl: string, order: TriggerOrder): Promise<void> {
  const path = `/orders/${encodeURIComponent(order.outTradeNo)}/pay?mchid=${encodeURIComponent(order.mchid)}`;
  await callControlApi(simUrl, 'POST', path, {});
}

/** Refunds the whole order and settles the refund at once with `outcome`; returns its number. */
async function refund(
  merchant: SimMerchantConfig,
  simUrl: string,
  order: TriggerOrder,
  notifyUrl: string,
  outcome: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
): Promise<string> {
  const outRefundNo = `R${order.outTradeNo}`.slice(0, 64);
  const client = new V3Client((await clientOptions(merchant, simUrl)).v3);
  try {
    await client.refunds.create({
      out_trade_no: order.outTradeNo,
      out_refund_no: outRefundNo,
      notify_url: notifyUrl,
      amount: { refund: order.amountFen, total: order.amountFen, currency: 'CNY' },
    });
  } finally {
    await client.close();
  }
  const path = `/refunds/${encodeURIComponent(order.mchid)}/${encodeURIComponent(outRefundNo)}/settle`;
  await callControlApi(simUrl, 'POST', path, { outcome });
  return outRefundNo;
}

/** Takes the payment notification of a refund scenario, so only the refund reaches `--to`. */
async function acknowledgingSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wxpay-trigger-sink`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}
