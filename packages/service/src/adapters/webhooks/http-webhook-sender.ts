import { performance } from 'node:perf_hooks';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@wechatpay-kit/sdk/webhooks';
import type { WebhookAttempt, WebhookEndpoint, WebhookEvent, WebhookSender } from '../../domain/index.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Delivers events over HTTP: the JSON body signed with the endpoint's secret
 * (`X-Wechatpay-Kit-Signature`, checked by `parseWebhook` from `@wechatpay-kit/sdk/webhooks`). A 2xx
 * within the timeout is an acknowledgement; anything else is not, and is said in words without the
 * secret or the answer's body.
 */
export class HttpWebhookSender implements WebhookSender {
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: { timeoutMs?: number; userAgent?: string } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? 'wechatpay-kit-service';
  }

  async send(endpoint: WebhookEndpoint, event: WebhookEvent): Promise<WebhookAttempt> {
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      createdAt: event.createdAt.toISOString(),
      data: event.data,
    });
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': this.#userAgent,
          // While a rotation overlaps, one `v1=` per secret: the receiver's old or new secret verifies.
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, [
            endpoint.secret,
            ...(endpoint.retiringSecrets ?? []),
          ]),
          'x-wechatpay-kit-event-id': event.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await response.body?.cancel();
      const acked = response.status >= 200 && response.status < 300;
      return {
        acked,
        httpStatus: response.status,
        durationMs: durationMs(),
        ...(acked ? {} : { error: `answered HTTP ${response.status}` }),
      };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
      const timedOut = (error as Error).name === 'TimeoutError';
      return {
        acked: false,
        durationMs: durationMs(),
        error: timedOut
          ? `no answer within ${this.#timeoutMs} ms`
          : `not sent (${cause ?? (error as Error).message})`,
      };
    }
  }
}
