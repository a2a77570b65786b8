import type { PaymentCodeResumer } from '@wechatpay-kit/sdk';
import type { Order, PaymentCodeResult } from '../../domain/index.js';

/** What a paid payment-code order tells the domain, in either dialect. */
export type PaidPaymentCode = Omit<Extract<PaymentCodeResult, { outcome: 'paid' }>, 'outcome' | 'paidAt'> & {
  /** Absent when WeChat's time cannot be read; the gateway then uses its clock. */
  paidAt: Date | undefined;
};

/** Where the till stands: v3 requires a store, both carry the device. */
export interface TillPlace {
  storeId: string;
  deviceId?: string;
}

/**
 * Payment codes in one API version's dialect, as `SdkPaymentCodeGateway` chooses between them by
 * the order's `apiVersion`: the SDK's cashier for the order (with `pay` only while the code is
 * held) and the paid transaction in the domain's words.
 */
export interface PaymentCodeProtocol<T> {
  cashier(order: Order, authCode: string | undefined, place: TillPlace): PaymentCodeResumer<T>;
  paid(transaction: T): PaidPaymentCode;
}
