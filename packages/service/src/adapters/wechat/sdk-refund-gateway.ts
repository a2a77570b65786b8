import { WechatPayApiError, WechatPayConfigError, WechatPayValidationError } from '@wechatpay-kit/sdk';
import {
  type ApiVersion,
  DomainError,
  type Order,
  type Refund,
  type RefundGateway,
  type RefundSubmission,
  type WechatRefundStatus,
} from '../../domain/index.js';
import type { RefundProtocol } from './refund-protocol.js';
import { V2RefundGateway } from './v2/v2-refund-gateway.js';
import { V3RefundGateway } from './v3/v3-refund-gateway.js';
import type { WechatClients } from './wechat-clients.js';
import { isOrderNotFound, safeReason } from './wechat-error-mapper.js';

/** Refusals that say "not now" rather than "never": the refund is resubmitted later. */
const TRANSIENT_CODES = new Set(['FREQUENCY_LIMITED', 'RATELIMIT_EXCEEDED', 'INVALID_REQ_TOO_MUCH']);

/**
 * Refunds on the SDK, through the shared {@link WechatClients}: each refund goes through the
 * dialect of the API version its order was paid with ({@link V2RefundGateway},
 * {@link V3RefundGateway}); here WeChat's answers become the port's outcomes.
 */
export class SdkRefundGateway implements RefundGateway {
  readonly mchid: string;
  readonly #notifyBaseUrl: string;
  readonly #byVersion: Readonly<Record<ApiVersion, RefundProtocol>>;

  constructor(clients: WechatClients) {
    this.mchid = clients.mchid;
    this.#notifyBaseUrl = clients.notifyBaseUrl;
    this.#byVersion = { v2: new V2RefundGateway(clients), v3: new V3RefundGateway(clients) };
  }

  async submit(refund: Refund, order: Order): Promise<RefundSubmission> {
    const notifyUrl = `${this.#notifyBaseUrl}/api/notify/${refund.apiVersion}/refund`;
    try {
      return {
        kind: 'accepted',
        ...(await this.#byVersion[refund.apiVersion].submit(refund, order, notifyUrl)),
      };
    } catch (error) {
      const code = codeOf(error);
      const message = safeReason(error);
      return isDefinitiveRefusal(error)
        ? { kind: 'refused', code, message }
        : { kind: 'unavailable', code, message };
    }
  }

  async query(refund: Refund, order: Order): Promise<WechatRefundStatus | undefined> {
    try {
      return await this.#byVersion[refund.apiVersion].query(refund, order);
    } catch (error) {
      if (isOrderNotFound(error) || (error instanceof WechatPayApiError && error.code === 'REFUNDNOTEXIST')) {
        return undefined;
      }
      throw new DomainError('WECHAT_UNAVAILABLE', `WeChat Pay refund query failed: ${safeReason(error)}`, {
        wechatCode: codeOf(error),
      });
    }
  }
}

/** WeChat (or our own configuration) said no, and asking again with the same parameters won't change it. */
function isDefinitiveRefusal(error: unknown): boolean {
  if (error instanceof WechatPayValidationError || error instanceof WechatPayConfigError) return true;
  if (!(error instanceof WechatPayApiError)) return false;
  return !error.retryable && error.status !== 429 && !TRANSIENT_CODES.has(error.code);
}

function codeOf(error: unknown): string {
  if (error instanceof WechatPayApiError) return error.code;
  if (error instanceof WechatPayValidationError) return 'INVALID_PARAMETER';
  if (error instanceof WechatPayConfigError) return 'CONFIGURATION_ERROR';
  return (error as { timedOut?: boolean }).timedOut ? 'TIMEOUT' : 'NETWORK_ERROR';
}
