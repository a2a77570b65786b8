import type {
  CreateOrderInput,
  IdempotencyClaim,
  Order,
  PayParams,
  PayParamsSigner,
} from '../domain/index.js';
import type { CreateOrder } from './create-order.js';
import type { RetryPrepay } from './retry-prepay.js';

/** An order as the buyer's page gets it: with the pay parameters only placing it hands out. */
export interface PlacedOrder {
  order: Order;
  /** JSAPI, mini-program and App orders with a prepay: what the buyer's WeChat is called with. */
  payParams?: PayParams;
}

/**
 * The buyer places an order: it is created with its prepay (or a failed prepay is asked for
 * again), and the pay parameters their WeChat needs are signed afresh for it — they are never stored.
 */
export class PlaceOrder {
  readonly #payParams: PayParamsSigner;
  readonly #createOrder: CreateOrder;
  readonly #retryPrepay: RetryPrepay;

  constructor(payParams: PayParamsSigner, createOrder: CreateOrder, retryPrepay: RetryPrepay) {
    this.#payParams = payParams;
    this.#createOrder = createOrder;
    this.#retryPrepay = retryPrepay;
  }

  async execute(input: CreateOrderInput): Promise<PlacedOrder> {
    return this.#placed(await this.#createOrder.execute(input));
  }

  /** {@link execute} claiming an idempotency key; `undefined` when another order holds it. */
  async once(
    input: CreateOrderInput,
    claim: Omit<IdempotencyClaim, 'createdAt'>,
  ): Promise<PlacedOrder | undefined> {
    const order = await this.#createOrder.executeOnce(input, claim);
    return order && this.#placed(order);
  }

  /**
   * An order placed before, answered again (a repeated request): as it is now, with its prepay asked
   * for once more under the same `out_trade_no` while it is open and has none — the first request
   * may still be waiting for WeChat, or WeChat failed it.
   */
  async again(order: Order, now: Date): Promise<PlacedOrder> {
    if (order.state === 'NOTPAY' && now < order.expiresAt) return this.retry({ orderNo: order.orderNo });
    return this.#placed(order);
  }

  /** The same order again after its prepay failed (same `out_trade_no`, so never a second order at WeChat). */
  async retry(input: { orderNo: string }): Promise<PlacedOrder> {
    return this.#placed(await this.#retryPrepay.execute(input));
  }

  #placed(order: Order): PlacedOrder {
    return { order, payParams: this.#payParams.sign(order) };
  }
}
