import {
  type ApiVersion,
  type AuditContext,
  DomainError,
  MICROPAY_JOB,
  type MicropayJobPayload,
  maskedPaymentCode,
  type Order,
  PAYMENT_CODE_PATTERN,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { CreateOrder } from './create-order.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface TakeInStorePaymentInput {
  /** The 18-digit code scanned from the customer's phone. */
  authCode: string;
  /** Either an amount typed at the till (fen) … */
  amountFen?: number;
  /** … with what it is for (default {@link DEFAULT_TILL_DESCRIPTION}); or a catalogue product. */
  description?: string;
  productId?: string;
  quantity?: number;
  apiVersion?: ApiVersion;
  /** The till, sent to WeChat as the device. */
  deviceId?: string;
  /** The merchant API key's name, when the merchant's own till system calls. */
  apiClient?: string;
  clientIp: string;
}

/** What WeChat shows the customer for an amount typed at the till. */
export const DEFAULT_TILL_DESCRIPTION = '门店收款';

/**
 * The cashier scans a customer's payment code (付款码). The code is checked first, so a misread
 * barcode or another wallet's code changes nothing. Then the order (`MICROPAY`) and its `micropay`
 * job are stored in one transaction, before WeChat is called: whatever happens next — a crash, a
 * lost answer — the job runs the cashier procedure ({@link CollectPaymentCode}) to a final state.
 * The answer is the order as stored (NOTPAY); the outcome follows by the order's events.
 */
export class TakeInStorePayment {
  readonly #deps: Pick<PaymentDeps, 'orders' | 'clock' | 'events' | 'audit' | 'logger' | 'jobsDue'>;
  readonly #createOrder: Pick<CreateOrder, 'draft'>;

  constructor(
    deps: Pick<PaymentDeps, 'orders' | 'clock' | 'events' | 'audit' | 'logger' | 'jobsDue'>,
    createOrder: Pick<CreateOrder, 'draft'>,
  ) {
    this.#deps = deps;
    this.#createOrder = createOrder;
  }

  async execute(input: TakeInStorePaymentInput, by?: AuditContext): Promise<Order> {
    if (!PAYMENT_CODE_PATTERN.test(input.authCode)) {
      throw new DomainError(
        'PAYMENT_CODE_INVALID',
        `not a WeChat payment code (18 digits starting with 10–15): got ${maskedPaymentCode(input.authCode)}`,
      );
    }
    const custom =
      input.amountFen === undefined
        ? undefined
        : { amountFen: input.amountFen, description: input.description ?? DEFAULT_TILL_DESCRIPTION };
    const { order: draft } = await this.#createOrder.draft({
      payType: 'MICROPAY',
      clientIp: input.clientIp,
      ...(custom ? { custom } : { productId: input.productId, quantity: input.quantity }),
      ...(input.apiVersion ? { apiVersion: input.apiVersion } : {}),
      ...(input.apiClient ? { apiClient: input.apiClient } : {}),
    });
    const { orders, clock } = this.#deps;
    const payload: MicropayJobPayload = {
      orderNo: draft.orderNo,
      authCode: input.authCode,
      ...(input.deviceId ? { deviceId: input.deviceId } : {}),
    };
    const order = await orders.insertWithJobs(draft, [
      { type: MICROPAY_JOB, key: draft.orderNo, runAt: draft.createdAt, payload: { ...payload } },
    ]);
    // The customer is holding the phone up: the job runs now, not at the runner's next poll.
    this.#deps.jobsDue?.();
    this.#deps.logger?.info(
      { orderNo: order.orderNo, authCode: maskedPaymentCode(input.authCode), amountFen: order.amountFen },
      'payment-code order taken',
    );
    await recordAudit(
      this.#deps.audit,
      by,
      { action: 'pos.payment', target: order.orderNo, detail: `${order.amountFen} fen, ${order.apiVersion}` },
      clock.now(),
    );
    return order;
  }
}
