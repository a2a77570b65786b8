import { type HttpClient, parseV2Xml, UndiciHttpClient, WechatPayTransportError } from '@wechatpay-kit/sdk';
import type { ApiVersion } from '../engine/sim-records.js';

/** What one POST to a merchant came to. */
export interface DeliveryResult {
  acked: boolean;
  durationMs: number;
  httpStatus?: number;
  responseBody?: string;
  error?: string;
}

/** WeChat gives a merchant this long to answer before it counts the attempt as failed. */
export const ACK_TIMEOUT_MS = 5_000;
const KEPT_RESPONSE_BYTES = 2 * 1024;
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs callbacks and judges the answers as WeChat does. v2: only XML with `return_code` SUCCESS
 * (on a 2xx) acknowledges; v3: only HTTP 200 or 204, whatever the body. Never throws: every outcome,
 * a refused connection included, becomes a result the log can show the merchant.
 */
export class NotificationSender {
  readonly #http: HttpClient;
  /** Real milliseconds; tests lower it to prove a silent merchant counts as a failure. */
  timeoutMs = ACK_TIMEOUT_MS;

  constructor() {
    // A keep-alive pool per merchant origin: a benchmark's thousands of callbacks reuse connections.
    this.#http = new UndiciHttpClient({
      timeoutMs: ACK_TIMEOUT_MS,
      connectTimeoutMs: ACK_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      connections: 64,
    });
  }

  async send(
    apiVersion: ApiVersion,
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<DeliveryResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let status: number;
    let answer: Buffer;
    try {
      const res = await this.#http.request({
        method: 'POST',
        url,
        headers,
        body,
        // undici's header and body timeouts start when the request is written, not while it waits
        // for a pooled connection: a burst of callbacks must not time out in our own queue.
        timeoutMs: this.timeoutMs,
      });
      status = res.status;
      answer = res.body;
    } catch (err) {
      return { acked: false, durationMs: elapsed(), error: transportProblem(err, this.timeoutMs) };
    }
    const responseBody = answer.subarray(0, KEPT_RESPONSE_BYTES).toString('utf8');
    const verdict = apiVersion === 'v2' ? judgeV2(status, answer) : judgeV3(status);
    return {
      acked: verdict === undefined,
      durationMs: elapsed(),
      httpStatus: status,
      responseBody,
      ...(verdict ? { error: verdict } : {}),
    };
  }

  async close(): Promise<void> {
    await this.#http.close?.();
  }
}

/** Why a v2 answer is not an acknowledgement, or `undefined` when it is one. */
function judgeV2(status: number, body: Buffer): string | undefined {
  const expected =
    'WeChat expects <xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
  if (status < 200 || status > 299) return `HTTP ${status}: ${expected} with HTTP 200`;
  let fields: Record<string, string>;
  try {
    fields = parseV2Xml(body);
  } catch (err) {
    return `the answer is not v2 XML (${err instanceof Error ? err.message : String(err)}); ${expected}`;
  }
  if (fields.return_code !== 'SUCCESS') {
    const code = fields.return_code === undefined ? 'missing' : `"${fields.return_code}"`;
    return `return_code is ${code}${fields.return_msg ? ` (return_msg "${fields.return_msg}")` : ''}; ${expected}`;
  }
  return undefined;
}

function judgeV3(status: number): string | undefined {
  if (status === 200 || status === 204) return undefined;
  return `HTTP ${status}: WeChat Pay v3 counts only HTTP 200 or 204 as received and will retry`;
}

function transportProblem(err: unknown, timeoutMs: number): string {
  if (err instanceof WechatPayTransportError && err.timedOut)
    return `no answer within ${timeoutMs} ms (WeChat waits 5 s, then counts the attempt as failed)`;
  return err instanceof Error ? err.message : String(err);
}
