import { DomainError, type NotificationResender, type ResendReport } from '@wechatpay-kit/service';

export interface SimulatorNotificationResenderOptions {
  /** The simulator's base URL (demo mode). */
  simulatorUrl: string;
  /** Only this merchant's notifications are resent. */
  mchid: string;
  /** Per call; the simulator answers once its resend attempt has been answered by us. */
  timeoutMs?: number;
}

interface SimNotificationSummary {
  id: string;
  status: string;
  lastAttempt?: { httpStatus?: number; acked: boolean; error?: string };
}

/**
 * Asks the simulator's control API — plain HTTP, no dependency on the simulator package — to send
 * an order's latest payment notification once more, as the merchant platform's "resend" would.
 */
export class SimulatorNotificationResender implements NotificationResender {
  readonly #base: string;
  readonly #mchid: string;
  readonly #timeoutMs: number;

  constructor(options: SimulatorNotificationResenderOptions) {
    this.#base = options.simulatorUrl.replace(/\/+$/, '');
    this.#mchid = options.mchid;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  async resendLatestPayment(orderNo: string): Promise<ResendReport | undefined> {
    const query = new URLSearchParams({
      mchid: this.#mchid,
      outTradeNo: orderNo,
      kind: 'payment',
      limit: '1',
    });
    const [latest] = await this.#call<SimNotificationSummary[]>('GET', `/_sim/notifications?${query}`);
    if (!latest) return undefined;
    const after = await this.#call<SimNotificationSummary>(
      'POST',
      `/_sim/notifications/${encodeURIComponent(latest.id)}/resend`,
    );
    const attempt = after.lastAttempt;
    return {
      notificationId: after.id,
      status: after.status,
      httpStatus: attempt?.httpStatus,
      acked: attempt?.acked ?? false,
      error: attempt?.error,
    };
  }

  async #call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      signal: AbortSignal.timeout(this.#timeoutMs),
    }).catch(() => undefined);
    if (!response?.ok) {
      const answer = response ? `answered HTTP ${response.status}` : 'could not be reached';
      throw new DomainError(
        'WECHAT_UNAVAILABLE',
        `the simulator ${answer} (${method} ${path.split('?')[0]})`,
      );
    }
    return (await response.json()) as T;
  }
}
