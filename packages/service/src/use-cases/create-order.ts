import {
  type ApiVersion,
  assertFen,
  type CreateOrderInput,
  DomainError,
  type NewJob,
  type Order,
  PAY_TYPES,
} from '../domain/index.js';
import { newOrderNo } from './order-number.js';
import { requestPrepay } from './request-prepay.js';
import type { PaymentDeps } from './use-case-deps.js';

export type { CreateOrderInput } from '../domain/index.js';

/** The stored order after the prepay attempt: `codeUrl` / `prepayId` / `h5Url`, or `wechatErrorCode`. */
export type CreateOrderOutput = Order;

export type CreateOrderDeps = Pick<PaymentDeps, 'orders' | 'products' | 'gateway' | 'clock' | 'logger'>;

export interface CreateOrderOptions {
  /** How long the buyer has to pay, default 15 min. WeChat lets an order be closed only 5 min after creation. */
  orderLifetimeMs?: number;
  /** For orders that name none, default `v3`. */
  defaultApiVersion?: ApiVersion;
  /** First query-fallback of a still-unpaid order, default 60 s after creation. */
  firstReconcileAfterMs?: number;
  /**
   * Longest the buyer waits for WeChat's prepay, the SDK's retries included, default 5 s. Past it
   * the order is kept with the error `PREPAY_TIMEOUT` and `WECHAT_TIMEOUT` (retryable) is thrown.
   */
  prepayDeadlineMs?: number;
}

/** Default {@link CreateOrderOptions.prepayDeadlineMs}. */
export const DEFAULT_PREPAY_DEADLINE_MS = 5_000;

const MIN_LIFETIME_MS = 5 * 60_000;
const MAX_QUANTITY = 99;

/**
 * Creates an order and its WeChat prepay. The order and the jobs that will close it on time and
 * reconcile it by query are written in one transaction before WeChat is called, so no order can be
 * left without its timeout, whatever fails next. A WeChat failure is stored on the order (still
 * NOTPAY) rather than thrown: the buyer sees why, and {@link RetryPrepay} can try again. A WeChat
 * slower than the prepay deadline is the one exception: the order is stored the same way, and the
 * buyer gets a retryable `WECHAT_TIMEOUT` at once instead of waiting out every SDK retry.
 */
export class CreateOrder {
  readonly #deps: CreateOrderDeps;
  readonly #lifetimeMs: number;
  readonly #defaultApiVersion: ApiVersion;
  readonly #firstReconcileMs: number;
  readonly #prepayDeadlineMs: number;

  constructor(deps: CreateOrderDeps, options: CreateOrderOptions = {}) {
    this.#deps = deps;
    this.#lifetimeMs = options.orderLifetimeMs ?? 15 * 60_000;
    if (!Number.isSafeInteger(this.#lifetimeMs) || this.#lifetimeMs < MIN_LIFETIME_MS) {
      throw new Error('orderLifetimeMs must be at least 5 minutes (WeChat closes orders only after 5 min)');
    }
    this.#defaultApiVersion = options.defaultApiVersion ?? 'v3';
    this.#firstReconcileMs = options.firstReconcileAfterMs ?? 60_000;
    this.#prepayDeadlineMs = validDeadline(options.prepayDeadlineMs);
  }

  async execute(input: CreateOrderInput): Promise<CreateOrderOutput> {
    const quantity = input.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new DomainError('INVALID_AMOUNT', `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    if (!PAY_TYPES.includes(input.payType)) {
      throw new DomainError('PAY_TYPE_UNSUPPORTED', `pay type ${String(input.payType)} is not supported`);
    }
    if ((input.payType === 'JSAPI' || input.payType === 'MINIPROGRAM') && !input.openid) {
      throw new DomainError('OPENID_REQUIRED', `${input.payType} orders need the payer's openid`);
    }

    const apiVersion = input.apiVersion ?? this.#defaultApiVersion;
    const configured = this.#deps.gateway.apiVersions;
    if (configured && !configured.includes(apiVersion)) {
      throw new DomainError(
        'API_VERSION_NOT_CONFIGURED',
        `this merchant is not configured for API ${apiVersion}`,
      );
    }

    const product = await this.#deps.products.find(input.productId);
    if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `no product ${input.productId}`);
    if (!product.active) {
      throw new DomainError('PRODUCT_UNAVAILABLE', `product ${input.productId} is no longer sold`, {
        reason: 'INACTIVE',
      });
    }
    if (product.stock !== null && product.stock < quantity) {
      throw new DomainError('PRODUCT_UNAVAILABLE', `product ${input.productId} is sold out`, {
        reason: 'SOLD_OUT',
      });
    }
    const amountFen = assertFen(product.priceFen * quantity);
    if (amountFen === 0) throw new DomainError('INVALID_AMOUNT', 'an order must cost at least 1 fen');

    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.#lifetimeMs);
    const orderNo = newOrderNo(now);
    const jobs: NewJob[] = [{ type: 'close-expired', key: orderNo, runAt: expiresAt, payload: { orderNo } }];
    const firstReconcile = new Date(now.getTime() + this.#firstReconcileMs);
    if (firstReconcile < expiresAt) {
      jobs.push({ type: 'reconcile', key: orderNo, runAt: firstReconcile, payload: { orderNo, attempt: 1 } });
    }

    const order = await this.#deps.orders.insertWithJobs(
      {
        orderNo,
        productId: product.id,
        quantity,
        description: product.name,
        amountFen,
        payType: input.payType,
        apiVersion,
        openid: input.openid ?? null,
        clientIp: input.clientIp,
        mode1CallbackKey: input.mode1CallbackKey,
        createdAt: now,
        expiresAt,
      },
      jobs,
    );
    return requestPrepay(this.#deps, order, this.#prepayDeadlineMs);
  }
}

/** The prepay deadline option, checked: a whole number of milliseconds, at least 1. */
export function validDeadline(deadlineMs: number | undefined): number {
  const value = deadlineMs ?? DEFAULT_PREPAY_DEADLINE_MS;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error('prepayDeadlineMs must be a whole number of milliseconds');
  }
  return value;
}
