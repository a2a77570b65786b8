import { CliError, type CliIo, writeLine } from '../command.js';
import { callControlApi } from './sim-control-client.js';

/** One delivery attempt as the simulator's control API reports it (`/_sim/notifications`). */
export interface DeliveryReport {
  httpStatus?: number;
  responseBody?: string;
  durationMs?: number;
  error?: string;
  acked: boolean;
}

export interface NotificationSummary {
  id: string;
  event: string;
  url: string;
  outRefundNo?: string;
  lastAttempt?: DeliveryReport;
}

/** What to wait for: the callback of one order (and refund), of one kind. */
export interface NotificationQuery {
  mchid: string;
  outTradeNo: string;
  kind: 'payment' | 'refund';
  outRefundNo?: string;
}

const POLL_MS = 100;

/**
 * Waits until the simulator has the merchant's answer to the first attempt of a callback and
 * returns it: the notifier sends on its own schedule (the first attempt at once), so the command
 * reports what WeChat would have seen rather than what it hoped to send.
 */
export async function firstDelivery(
  baseUrl: string,
  query: NotificationQuery,
  timeoutMs = 15_000,
): Promise<NotificationSummary & { lastAttempt: DeliveryReport }> {
  const path = `/notifications?mchid=${encodeURIComponent(query.mchid)}&outTradeNo=${encodeURIComponent(query.outTradeNo)}&kind=${query.kind}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await callControlApi<NotificationSummary[]>(baseUrl, 'GET', path)).find(
      (n) => query.outRefundNo === undefined || n.outRefundNo === query.outRefundNo,
    );
    const attempt = found?.lastAttempt;
    if (found && attempt && (attempt.httpStatus !== undefined || attempt.error !== undefined)) {
      return { ...found, lastAttempt: attempt };
    }
    if (Date.now() > deadline) {
      throw new CliError(
        found
          ? `the ${query.kind} notification of ${query.outTradeNo} got no answer within ${timeoutMs / 1000} s`
          : `the simulator sent no ${query.kind} notification for ${query.outTradeNo} (no notify_url?)`,
      );
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

/** Prints one delivery the way WeChat judges it: the handler's answer, then ACK or not and why. */
export function printDelivery(
  io: CliIo,
  delivery: Pick<NotificationSummary, 'event' | 'url'> & { lastAttempt: DeliveryReport },
): void {
  const { lastAttempt: attempt } = delivery;
  const status = attempt.httpStatus === undefined ? 'no HTTP answer' : `HTTP ${attempt.httpStatus}`;
  const took = attempt.durationMs === undefined ? '' : ` in ${attempt.durationMs} ms`;
  writeLine(io.stdout, `${delivery.event} → ${delivery.url}: ${status}${took}`);
  if (attempt.responseBody)
    writeLine(io.stdout, `  answer: ${attempt.responseBody.replace(/\s+/g, ' ').trim()}`);
  writeLine(
    io.stdout,
    attempt.acked
      ? 'ACK: WeChat would count it as received and stop resending'
      : `not ACK: WeChat would resend it on its schedule${attempt.error ? ` (${attempt.error})` : ''}`,
  );
}
