import type { CreateOrderInput, Order, PayParams, PayParamsSigner } from '../domain/index.js';
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

  /** The same order again after its prepay failed (same `out_trade_no`, so never a second order at WeChat). */
  async retry(input: { orderNo: string }): Promise<PlacedOrder> {
    return this.#placed(await this.#retryPrepay.execute(input));
  }

  #placed(order: Order): PlacedOrder {
    return { order, payParams: this.#payParams.sign(order) };
  }
}
