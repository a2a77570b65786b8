import {
  type ApiVersion,
  assertFen,
  type CreateOrderInput,
  CUSTOM_AMOUNT_PRODUCT_ID,
  DomainError,
  type IdempotencyClaim,
  MAX_CUSTOM_AMOUNT_FEN,
  type NewJob,
  type NewOrder,
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
 * buyer gets a retryable `WECHAT_TIMEOUT` at once instead of waiting out every SDK retry. The amount
 * is a product's price, or — for the merchant's own systems only (`apiClient`) — their own, bounded.
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
    const { order, jobs } = await this.draft(input);
    return requestPrepay(
      this.#deps,
      await this.#deps.orders.insertWithJobs(order, jobs),
      this.#prepayDeadlineMs,
    );
  }

  /**
   * {@link execute}, claiming an idempotency key in the order's own transaction: `undefined`, with
   * nothing written and WeChat not asked, when another order holds the key.
   */
  async executeOnce(
    input: CreateOrderInput,
    claim: Omit<IdempotencyClaim, 'createdAt'>,
  ): Promise<CreateOrderOutput | undefined> {
    const { order, jobs } = await this.draft(input);
    const inserted = await this.#deps.orders.insertOnce(order, jobs, {
      ...claim,
      createdAt: order.createdAt,
    });
    return inserted && requestPrepay(this.#deps, inserted, this.#prepayDeadlineMs);
  }

  /**
   * The order to store and the jobs that close and reconcile it, after every check. The
   * payment-code cashier ({@link TakeInStorePayment}) drafts with it too, and writes its own job.
   */
  async draft(input: CreateOrderInput): Promise<{ order: NewOrder; jobs: NewJob[] }> {
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
    const priced = input.custom ? customPrice(input) : await this.#catalogue(input);

    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.#lifetimeMs);
    const orderNo = newOrderNo(now);
    const jobs: NewJob[] = [{ type: 'close-expired', key: orderNo, runAt: expiresAt, payload: { orderNo } }];
    const firstReconcile = new Date(now.getTime() + this.#firstReconcileMs);
    if (firstReconcile < expiresAt) {
      jobs.push({ type: 'reconcile', key: orderNo, runAt: firstReconcile, payload: { orderNo, attempt: 1 } });
    }
    const order: NewOrder = {
      orderNo,
      ...priced,
      payType: input.payType,
      apiVersion,
      openid: input.openid ?? null,
      clientIp: input.clientIp,
      mode1CallbackKey: input.mode1CallbackKey,
      ...(input.apiClient === undefined ? {} : { apiClient: input.apiClient }),
      ...(input.merchantReference === undefined ? {} : { merchantReference: input.merchantReference }),
      createdAt: now,
      expiresAt,
    };
    return { order, jobs };
  }

  /** A catalogue product's price × quantity: the amount never comes from the shopper. */
  async #catalogue(input: CreateOrderInput): Promise<Priced> {
    const quantity = input.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new DomainError('INVALID_AMOUNT', `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    const productId = input.productId ?? '';
    const product =
      productId === CUSTOM_AMOUNT_PRODUCT_ID ? undefined : await this.#deps.products.find(productId);
    if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `no product ${productId}`);
    if (!product.active) {
      throw new DomainError('PRODUCT_UNAVAILABLE', `product ${productId} is no longer sold`, {
        reason: 'INACTIVE',
      });
    }
    if (product.stock !== null && product.stock < quantity) {
      throw new DomainError('PRODUCT_UNAVAILABLE', `product ${productId} is sold out`, {
        reason: 'SOLD_OUT',
      });
    }
    const amountFen = assertFen(product.priceFen * quantity);
    if (amountFen === 0) throw new DomainError('INVALID_AMOUNT', 'an order must cost at least 1 fen');
    return { productId: product.id, quantity, description: product.name, amountFen };
  }
}

type Priced = Pick<NewOrder, 'productId' | 'quantity' | 'description' | 'amountFen'>;

/** The merchant's own amount: only its API key may name one, and within bounds. */
function customPrice(input: CreateOrderInput): Priced {
  const custom = input.custom!;
  // A payment-code order is typed in at the till, by a signed-in cashier or a merchant key.
  if (!input.apiClient && input.payType !== 'MICROPAY') {
    throw new DomainError('INVALID_AMOUNT', 'only the merchant’s own systems may set an order’s amount');
  }
  const amountFen = assertFen(custom.amountFen);
  if (amountFen < 1 || amountFen > MAX_CUSTOM_AMOUNT_FEN) {
    throw new DomainError('INVALID_AMOUNT', `amount must be from 1 to ${MAX_CUSTOM_AMOUNT_FEN} fen`);
  }
  const description = custom.description.trim();
  if (description === '')
    throw new DomainError('INVALID_AMOUNT', 'an order with its own amount needs a description');
  return { productId: CUSTOM_AMOUNT_PRODUCT_ID, quantity: 1, description, amountFen };
}

/** The prepay deadline option, checked: a whole number of milliseconds, at least 1. */
export function validDeadline(deadlineMs: number | undefined): number {
  const value = deadlineMs ?? DEFAULT_PREPAY_DEADLINE_MS;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error('prepayDeadlineMs must be a whole number of milliseconds');
  }
  return value;
}
