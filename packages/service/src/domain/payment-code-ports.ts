import type { Fen } from './money.js';
import type { Order } from './order.js';

/**
 * In-store payments with the customer's payment code (付款码): what the use case needs from WeChat
 * and from storage, protocol-neutral. The adapters run the SDK's cashier procedure (pay or query,
 * poll while the password is typed, reverse at the deadline) and answer in these words.
 */

/** The durable job that runs the cashier procedure for one order; its key is the order number. */
export const MICROPAY_JOB = 'micropay';

/** 18 digits, `10`–`15` first: the shape of a WeChat payment code, checked before anything is stored. */
export const PAYMENT_CODE_PATTERN = /^1[0-5]\d{16}$/;

/** The code as it may be shown or logged: first and last two digits. A code is a bearer credential. */
export function maskedPaymentCode(code: string): string {
  return code.length <= 6
    ? '*'.repeat(code.length)
    : `${code.slice(0, 2)}${'*'.repeat(code.length - 4)}${code.slice(-2)}`;
}

/** A step of the procedure, as it happens (the order's state follows some of them). */
export type PaymentCodeProgress =
  | { step: 'paying' }
  /** WeChat answered USERPAYING: the customer is typing the password. */
  | { step: 'waiting-for-password' }
  | { step: 'querying'; why: string }
  | { step: 'reversing' }
  /** The first pay call has been answered (or its answer lost): the code is no longer needed. */
  | { step: 'code-used' };

/** How the procedure ended; always final at WeChat. */
export type PaymentCodeResult =
  | { outcome: 'paid'; transactionId: string; paidAt: Date; payerOpenid?: string; amountFen?: Fen }
  /** Nothing was charged: WeChat refused (NOTENOUGH, AUTHCODEEXPIRE …) or the customer cancelled. */
  | { outcome: 'failed'; code: string; message: string }
  /** Reversed at WeChat (撤销): refunded if it had been charged, closed if not. */
  | { outcome: 'reversed'; reason: string };

export interface PaymentCodeCollectOptions {
  /**
   * Taking over after a crash or a lost answer: query first, so a charge already made is found and
   * never attempted again. The code, when still held, is used only if WeChat never saw the order.
   */
  resume: boolean;
  /** The code, while it is still held; absent once the first pay call was answered. */
  authCode?: string;
  /** How long the procedure may still poll before it reverses (ms from now, ≥ 0). */
  deadlineMs: number;
  pollMs: number;
  /** The till, as the cashier named it (sent to WeChat as the device). */
  deviceId?: string;
  onStep: (progress: PaymentCodeProgress) => void | Promise<void>;
}

/**
 * The cashier procedure against WeChat for one order, once per API version (adapters). Throws
 * `DomainError('WECHAT_UNAVAILABLE')` when even the reversal could not be confirmed: the job retries
 * it later, resuming, so the order is never left charged without a verdict.
 */
export interface PaymentCodeGateway {
  collect(order: Order, options: PaymentCodeCollectOptions): Promise<PaymentCodeResult>;
}

/** The {@link MICROPAY_JOB}'s payload: the code only until the first pay call was answered. */
export interface MicropayJobPayload {
  orderNo: string;
  authCode?: string;
  deviceId?: string;
  /** The first pay call may have been made: a later run queries first. */
  started?: boolean;
}

/** Where the code waits for its one pay call: the order's job payload. */
export interface PaymentCodeStore {
  /** Replaces the payload of the order's micropay job (pending or done): how the code is forgotten. */
  save(payload: MicropayJobPayload): Promise<void>;
}
