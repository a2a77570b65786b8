import { DomainError, type Order } from '../domain/index.js';
import { validDeadline } from './create-order.js';
import { requestPrepay } from './request-prepay.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface RetryPrepayInput {
  orderNo: string;
}

export type RetryPrepayOutput = Order;

export type RetryPrepayDeps = Pick<PaymentDeps, 'orders' | 'gateway' | 'clock' | 'logger'>;

/**
 * Asks WeChat again for the prepay of an order whose first attempt failed, with the same
 * `out_trade_no` and the same parameters (WeChat deduplicates on them, so this never makes a second
 * order). An order that already has its prepay is returned as it is.
 */
export class RetryPrepay {
  readonly #deps: RetryPrepayDeps;
  readonly #deadlineMs: number;

  /** `prepayDeadlineMs`: as for {@link CreateOrder}, default 5 s. */
  constructor(deps: RetryPrepayDeps, options: { prepayDeadlineMs?: number } = {}) {
    this.#deps = deps;
    this.#deadlineMs = validDeadline(options.prepayDeadlineMs);
  }

  async execute(input: RetryPrepayInput): Promise<RetryPrepayOutput> {
    const order = await this.#deps.orders.findByOrderNo(input.orderNo);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${input.orderNo}`);
    if (order.state !== 'NOTPAY') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `order ${order.orderNo} is ${order.state}, it cannot be paid again`,
        {
          from: order.state,
        },
      );
    }
    if (this.#deps.clock.now() >= order.expiresAt) {
      throw new DomainError('INVALID_TRANSITION', `order ${order.orderNo} has expired`, {
        from: order.state,
      });
    }
    const hasPrepay = order.codeUrl !== null || order.prepayId !== null || order.h5Url !== null;
    if (hasPrepay && order.wechatErrorCode === null) return order;
    return requestPrepay(this.#deps, order, this.#deadlineMs);
  }
}
