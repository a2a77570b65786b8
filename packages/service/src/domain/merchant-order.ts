/**
 * Orders from the merchant's own systems (an order, invoice or till of theirs), authenticated by a
 * merchant API key. They may carry their own amount and text instead of a catalogue product, and an
 * `Idempotency-Key`, so a request repeated after a timeout or a crash never makes a second order.
 */

/**
 * The product row an order with its own amount refers to: `orders.product_id` must name a product,
 * and this one is never sold. `@` is outside the admin's product ids, so no real product can take it.
 */
export const CUSTOM_AMOUNT_PRODUCT_ID = '@custom-amount';

/** The most an order with its own amount may cost: ¥1,000,000, as the dearest catalogue product. */
export const MAX_CUSTOM_AMOUNT_FEN = 100_000_000;

/** How long an `Idempotency-Key` answers with its first order, default 24 h. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** The merchant's price and text for an order that is no catalogue product. */
export interface CustomAmount {
  amountFen: number;
  description: string;
}

/**
 * What an order written with an `Idempotency-Key` claims in the same transaction: the key, scoped
 * to the API key that sent it, and the fingerprint of the request it stands for. Only one order
 * can claim a live key; the claim expires at `expiresAt`.
 */
export interface IdempotencyClaim {
  /** The API key's name: two merchant systems may use the same key without meeting. */
  scope: string;
  key: string;
  /** SHA-256 of the request's canonical form: the same key with another request is a mistake. */
  fingerprint: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A live claim as stored: which request it stood for and the order it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  orderNo: string;
  expiresAt: Date;
}
