import { createHash } from 'node:crypto';
import { type CreateOrderInput, DEFAULT_IDEMPOTENCY_TTL_MS, DomainError } from '../domain/index.js';
import type { PlacedOrder, PlaceOrder } from './place-order.js';
import type { PaymentDeps } from './use-case-deps.js';

/** What the merchant's system asked for: a catalogue product or its own amount, and how to pay. */
export type MerchantOrderRequest = Omit<CreateOrderInput, 'clientIp' | 'apiClient' | 'mode1CallbackKey'>;

export interface PlaceMerchantOrderInput {
  /** The name of the API key the request came with. */
  apiClient: string;
  request: MerchantOrderRequest;
  /** `Idempotency-Key`: the same key with the same request gives the same order. */
  idempotencyKey?: string;
  clientIp: string;
}

export interface PlacedMerchantOrder extends PlacedOrder {
  /** The order came from an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** How often a request reads the key again after another request claimed it first. */
const MAX_CLAIM_ROUNDS = 3;
/** How often a repeat looks whether the first request's prepay has come. */
const SETTLE_POLL_MS = 50;

/**
 * The merchant's own system places an order. With an idempotency key, the order and the key are
 * written by one transaction whose conditional insert lets only one order hold a live key: a
 * repeat of the request — sent again after a timeout, or racing the first — answers that order
 * instead of making another; the same key with a different request is refused, since answering
 * it with the first order would hide the mistake. Keys belong to one API key and live 24 h.
 */
export class PlaceMerchantOrder {
  readonly #deps: Pick<PaymentDeps, 'orders' | 'clock'>;
  readonly #placeOrder: PlaceOrder;
  readonly #ttlMs: number;
  readonly #settleWithinMs: number;

  /**
   * `settleWithinMs`: how long a repeat that finds the first request still waiting for WeChat waits
   * for its prepay before asking WeChat itself (default 6 s, the prepay deadline and a second).
   */
  constructor(
    deps: Pick<PaymentDeps, 'orders' | 'clock'>,
    placeOrder: PlaceOrder,
    options: { idempotencyTtlMs?: number; settleWithinMs?: number } = {},
  ) {
    this.#deps = deps;
    this.#placeOrder = placeOrder;
    this.#ttlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    this.#settleWithinMs = options.settleWithinMs ?? 6_000;
  }

  async execute(input: PlaceMerchantOrderInput): Promise<PlacedMerchantOrder> {
    const order: CreateOrderInput = {
      ...input.request,
      apiClient: input.apiClient,
      clientIp: input.clientIp,
    };
    const key = input.idempotencyKey;
    if (key === undefined) return { ...(await this.#placeOrder.execute(order)), replayed: false };

    const fingerprint = fingerprintOf(input.request);
    const scope = input.apiClient;
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const now = this.#deps.clock.now();
      const earlier = await this.#deps.orders.findByIdempotencyKey(scope, key, now);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key ${key} was used for another request (order ${earlier.orderNo}); use a new key for a new order`,
            { orderNo: earlier.orderNo },
          );
        }
        const first = await this.#settled(earlier.orderNo);
        if (first)
          return { ...(await this.#placeOrder.again(first, this.#deps.clock.now())), replayed: true };
      }
      const expiresAt = new Date(now.getTime() + this.#ttlMs);
      const placed = await this.#placeOrder.once(order, { scope, key, fingerprint, expiresAt });
      if (placed) return { ...placed, replayed: false };
      // Another request with this key committed its order first: answer that one.
    }
    throw new Error(`idempotency key ${key} neither claimed nor readable after ${MAX_CLAIM_ROUNDS} rounds`);
  }

  /**
   * The first request's order once its prepay (or WeChat's refusal) is stored, so a repeat racing
   * it does not ask WeChat a second time; as it is after {@link #settleWithinMs} otherwise.
   */
  async #settled(orderNo: string) {
    const deadline = Date.now() + this.#settleWithinMs;
    for (;;) {
      const order = await this.#deps.orders.findByOrderNo(orderNo);
      const waiting = order?.state === 'NOTPAY' && !order.codeUrl && !order.prepayId && !order.h5Url;
      if (!waiting || order.wechatErrorCode || Date.now() >= deadline) return order;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }
}

/** SHA-256 of the request with its fields in one order: what "the same request" means. */
export function fingerprintOf(request: MerchantOrderRequest): string {
  const fields = Object.entries({ ...request, custom: undefined, ...request.custom })
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
