import type { ApiCall } from '@wechatpay-kit/simulator';
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

/** One entry of `/_sim/api-calls`, as JSON. */
export type ApiCallLine = ApiCall;

const FOLLOW_POLL_MS = 1000;
const SOURCES = ['all', 'api', 'notifications'] as const;

interface Printable {
  realAt: number;
  text: string;
}

/**
 * `wxpay sim logs [--follow]`: what a running simulator saw and did, one line each, oldest first —
 * every API call (method, path, order, WeChat's status and refusal, the fault injected) and every
 * notification attempt (event, order, where, the merchant's status and whether it counted as an
 * ACK) — and with `--follow`, new ones as they happen. An attempt is printed once answered.
 */
export async function runSimLogs(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    follow: { type: 'boolean' },
    limit: { type: 'string' },
    mchid: { type: 'string' },
    only: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('sim logs takes no arguments besides its options');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit: 1 to 1000');
  const only = values.only ?? 'all';
  if (!(SOURCES as readonly string[]).includes(only)) throw new UsageError(`--only is ${SOURCES.join(', ')}`);
  const baseUrl = simulatorUrl(io.env);
  const mchid = values.mchid ? `&mchid=${encodeURIComponent(values.mchid)}` : '';
  const source = new LogSource(baseUrl, limit, mchid, {
    api: only !== 'notifications',
    notifications: only !== 'api',
  });
  const print = (lines: Printable[]) => {
    for (const line of lines.sort((a, b) => a.realAt - b.realAt)) writeLine(io.stdout, line.text);
  };

  print(await source.first());
  if (!values.follow) return ExitCode.ok;
  let stopped = false;
  const stop = untilSignal().then(() => {
    stopped = true;
  });
  while (!stopped) {
    await Promise.race([stop, new Promise((tick) => setTimeout(tick, FOLLOW_POLL_MS))]);
    if (!stopped) print(await source.next());
  }
  return ExitCode.ok;
}

/** Reads both logs of the simulator and remembers what it has returned, so nothing prints twice. */
class LogSource {
  readonly #baseUrl: string;
  readonly #limit: number;
  /** `&mchid=…`, or nothing. */
  readonly #mchid: string;
  readonly #wants: { api: boolean; notifications: boolean };
  /** Settled attempts returned so far, by notification. */
  readonly #attemptsSeen = new Map<string, number>();
  #lastCall = 0;

  constructor(
    baseUrl: string,
    limit: number,
    mchid: string,
    wants: { api: boolean; notifications: boolean },
  ) {
    this.#baseUrl = baseUrl;
    this.#limit = limit;
    this.#mchid = mchid;
    this.#wants = wants;
  }

  /** The newest `limit` lines of what happened so far. */
  async first(): Promise<Printable[]> {
    const lines: Printable[] = [...(await this.#calls(this.#limit))];
    if (this.#wants.notifications) {
      for (const n of await this.#notifications()) {
        const last = n.lastAttempt;
        const settled = last !== undefined && isSettled(last);
        this.#attemptsSeen.set(n.id, settled ? n.attemptCount : Math.max(0, n.attemptCount - 1));
        if (settled) lines.push({ realAt: last.realAt, text: attemptLine(n, last) });
      }
    }
    return lines.sort((a, b) => a.realAt - b.realAt).slice(-this.#limit);
  }

  /** What happened since the last call. */
  async next(): Promise<Printable[]> {
    // Following: every call since the last poll, however many.
    const lines: Printable[] = [...(await this.#calls(1000))];
    if (!this.#wants.notifications) return lines;
    for (const n of await this.#notifications()) {
      const printed = this.#attemptsSeen.get(n.id) ?? 0;
      if (n.attemptCount <= printed) continue;
      const { attempts } = await callControlApi<{ attempts: Attempt[] }>(
        this.#baseUrl,
        'GET',
        `/notifications/${encodeURIComponent(n.id)}`,
      );
      for (const attempt of attempts.slice(printed)) {
        if (isSettled(attempt)) lines.push({ realAt: attempt.realAt, text: attemptLine(n, attempt) });
      }
      this.#attemptsSeen.set(n.id, attempts.filter(isSettled).length);
    }
    return lines;
  }

  async #calls(limit: number): Promise<Printable[]> {
    if (!this.#wants.api) return [];
    const calls = await callControlApi<ApiCallLine[]>(
      this.#baseUrl,
      'GET',
      `/api-calls?limit=${limit}${this.#mchid}&after=${this.#lastCall}`,
    );
    this.#lastCall = calls.at(-1)?.seq ?? this.#lastCall;
    return calls.map((call) => ({ realAt: call.realAt, text: apiCallLine(call) }));
  }

  async #notifications(): Promise<NotificationLine[]> {
    return callControlApi<NotificationLine[]>(
      this.#baseUrl,
      'GET',
      `/notifications?limit=${this.#limit}${this.#mchid}`,
    );
  }
}

/** An attempt still waiting for the merchant's answer is printed once it has one, never before. */
function isSettled(attempt: Attempt): boolean {
  return attempt.durationMs !== undefined || attempt.error !== undefined;
}

/** `2026-12-02T10:00:05.123Z  TRANSACTION.SUCCESS  N2026…  → http://…  HTTP 204  ACK`. */
export function attemptLine(n: NotificationLine, attempt: Attempt): string {
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

/** `2026-12-02T10:00:04.980Z  API  POST /v3/pay/transactions/native  N2026…  HTTP 200  OK  7 ms`. */
export function apiCallLine(call: ApiCallLine): string {
  const order = [call.outTradeNo, call.outRefundNo].filter(Boolean).join('/');
  const status = call.httpStatus === undefined ? 'no answer' : `HTTP ${call.httpStatus}`;
  const verdict = call.code ? `${call.code}${call.message ? ` (${call.message})` : ''}` : 'OK';
  return [
    new Date(call.realAt).toISOString(),
    'API',
    `${call.method} ${call.path}`,
    ...(order ? [order] : []),
    status,
    call.httpStatus === undefined ? '' : verdict,
    `${call.durationMs} ms`,
    ...(call.fault ? [`fault ${call.fault}`] : []),
  ]
    .filter(Boolean)
    .join('  ');
}
