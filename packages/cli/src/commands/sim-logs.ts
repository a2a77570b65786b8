import { parseCommandArgs } from '../arg-parser.js';
import { type CliIo, ExitCode, UsageError, untilSignal, writeLine } from '../command.js';
import type { DeliveryReport } from './notification-watch.js';
import { callControlApi, simulatorUrl } from './sim-control-client.js';

interface Attempt extends DeliveryReport {
  realAt: number;
  fault?: string;
  manual?: boolean;
}

interface NotificationLine {
  id: string;
  event: string;
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  attemptCount: number;
  lastAttempt?: Attempt;
}

const FOLLOW_POLL_MS = 1000;

/**
 * `wxpay sim logs [--follow]`: every notification attempt of a running simulator, one line each —
 * when, which event of which order, where, the merchant's status and whether it counted as an ACK
 * (with the fault injected, if any) — and with `--follow`, new attempts as they happen.
 */
export async function runSimLogs(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    follow: { type: 'boolean' },
    limit: { type: 'string' },
    mchid: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('sim logs takes no arguments besides its options');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit: 1 to 1000');
  const baseUrl = simulatorUrl(io.env);
  const query = `?limit=${limit}${values.mchid ? `&mchid=${encodeURIComponent(values.mchid)}` : ''}`;
  const list = () => callControlApi<NotificationLine[]>(baseUrl, 'GET', `/notifications${query}`);

  const seen = new Map<string, number>();
  for (const n of (await list()).reverse()) {
    const last = n.lastAttempt;
    const lastSettled = last !== undefined && isSettled(last);
    seen.set(n.id, lastSettled ? n.attemptCount : Math.max(0, n.attemptCount - 1));
    if (lastSettled) writeLine(io.stdout, logLine(n, last));
  }
  if (!values.follow) return ExitCode.ok;

  let stopped = false;
  const stop = untilSignal().then(() => {
    stopped = true;
  });
  while (!stopped) {
    await Promise.race([stop, new Promise((tick) => setTimeout(tick, FOLLOW_POLL_MS))]);
    if (stopped) break;
    for (const n of (await list()).reverse()) {
      const printed = seen.get(n.id) ?? 0;
      if (n.attemptCount <= printed) continue;
      const detail = await callControlApi<{ attempts: Attempt[] }>(
        baseUrl,
        'GET',
        `/notifications/${encodeURIComponent(n.id)}`,
      );
      for (const attempt of detail.attempts.slice(printed)) {
        if (isSettled(attempt)) writeLine(io.stdout, logLine(n, attempt));
      }
      seen.set(n.id, detail.attempts.filter(isSettled).length);
    }
  }
  return ExitCode.ok;
}

/** An attempt still waiting for the merchant's answer is printed once it has one, never before. */
function isSettled(attempt: Attempt): boolean {
  return attempt.durationMs !== undefined || attempt.error !== undefined;
}

/** `2026-12-02T10:00:05.123Z TRANSACTION.SUCCESS N2026… → http://… HTTP 204 ACK`. */
export function logLine(n: NotificationLine, attempt: Attempt): string {
  const order = n.outRefundNo ? `${n.outTradeNo}/${n.outRefundNo}` : n.outTradeNo;
  const status = attempt.httpStatus === undefined ? 'no answer' : `HTTP ${attempt.httpStatus}`;
  const verdict = attempt.acked ? 'ACK' : `not ACK${attempt.error ? ` (${attempt.error})` : ''}`;
  const extra = [attempt.fault ? `fault ${attempt.fault}` : '', attempt.manual ? 'resend' : ''].filter(
    Boolean,
  );
  return [
    new Date(attempt.realAt).toISOString(),
    n.event,
    order,
    `→ ${n.url}`,
    status,
    verdict,
    ...extra,
  ].join('  ');
}
