import {
  type ApiVersion,
  DomainError,
  type NotificationVerdict,
  type Order,
  type ReceivedNotification,
  type VerifiedPayment,
} from '../domain/index.js';
import type { MarkPaid } from './mark-paid.js';
import { notificationVerdict } from './notification-verdict.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface HandlePaymentNotificationInput {
  apiVersion: ApiVersion;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: the signature covers these bytes. */
  rawBody: Buffer | string;
  /** `false`: its source is over its limit, so it is not stored if it fails verification. */
  storeUnverified?: boolean;
}

export type NotificationOutcome = 'applied' | 'duplicate' | 'ignored' | 'anomaly' | 'rejected';

export interface HandlePaymentNotificationOutput {
  /** Answer WeChat with success (stop resending) or failure (resend later). */
  ack: boolean;
  /** What WeChat is answered, in the port's terms. */
  verdict: NotificationVerdict;
  /** A short reason for WeChat's `return_msg` / `message`; never contains a secret. */
  message: string;
  outcome: NotificationOutcome;
  orderNo: string | null;
  /** Whether it passed signature verification (a rejection that did not counts against its source). */
  verified: boolean;
  /** Settles when fulfilment has run; the HTTP route answers WeChat without waiting for it. */
  fulfilment: Promise<void>;
}

export type HandlePaymentNotificationDeps = Pick<
  PaymentDeps,
  'gateway' | 'inbound' | 'orders' | 'notifications' | 'clock' | 'logger'
>;

/** Headers worth keeping with the raw body: the signature material, nothing a client could slip in. */
const KEPT_HEADERS = /^(wechatpay-|content-type$|request-id$|user-agent$)/i;

/**
 * A payment notification from WeChat: trust nothing until verified, apply it once, answer fast.
 * Every notification is logged with its raw body and what was done with it. A genuine notification
 * whose amount differs from the order is refused (and the order left alone): it is either an attack
 * with a stolen key or a bug, and in both cases nobody should ship goods.
 *
 * A notification for an order we already CLOSED cannot happen in our design (the close job queries
 * WeChat and closes there before closing here). If it ever does, it is logged as an anomaly and
 * ACKed: WeChat resending for 24 h changes nothing, the money must be refunded or the order reopened
 * by a person, and the log holds everything they need.
 */
export class HandlePaymentNotification {
  readonly #deps: HandlePaymentNotificationDeps;
  readonly #markPaid: MarkPaid;

  constructor(deps: HandlePaymentNotificationDeps, markPaid: MarkPaid) {
    this.#deps = deps;
    this.#markPaid = markPaid;
  }

  async execute(input: HandlePaymentNotificationInput): Promise<HandlePaymentNotificationOutput> {
    const rawBody = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
    const logEntry = (
      outcome: NotificationOutcome,
      detail: string,
      payment: VerifiedPayment | undefined,
    ): ReceivedNotification => ({
      apiVersion: input.apiVersion,
      kind: 'payment',
      orderNo: payment?.orderNo ?? null,
      rawBody: rawBody.toString('utf8'),
      headers: keptHeaders(input.headers),
      verified: payment !== undefined,
      outcome: outcome === detail ? outcome : `${outcome}: ${detail}`,
      receivedAt: this.#deps.clock.now(),
      ...(payment?.decrypted ? { decryptedBody: payment.decrypted } : {}),
    });
    const answer = (
      outcome: NotificationOutcome,
      detail: string,
      payment: VerifiedPayment | undefined,
      fulfilment: Promise<void> = Promise.resolve(),
    ): HandlePaymentNotificationOutput => {
      const verdict = notificationVerdict(outcome, detail, payment !== undefined);
      return {
        ack: verdict.ack,
        verdict,
        message: verdict.ack ? 'OK' : detail,
        outcome,
        orderNo: payment?.orderNo ?? null,
        verified: payment !== undefined,
        fulfilment,
      };
    };
    const done = async (
      outcome: NotificationOutcome,
      detail: string,
      payment: VerifiedPayment | undefined,
    ): Promise<HandlePaymentNotificationOutput> => {
      await this.#deps.notifications.record(logEntry(outcome, detail, payment));
      return answer(outcome, detail, payment);
    };

    let payment: VerifiedPayment;
    try {
      payment = await this.#deps.inbound[input.apiVersion].verifyPayment(input.headers, rawBody);
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : 'notification could not be verified';
      this.#deps.logger?.warn({ apiVersion: input.apiVersion, reason }, 'payment notification rejected');
      // Logged under the order it claims (marked unverified), so the admin sees forgeries in context.
      const claimed = error instanceof DomainError ? error.details.claimedOrderNo : undefined;
      if (input.storeUnverified !== false) {
        await this.#deps.notifications.record({
          ...logEntry('rejected', reason, undefined),
          orderNo: typeof claimed === 'string' ? claimed : null,
        });
      }
      return answer('rejected', reason, undefined);
    }

    const { gateway, orders, logger } = this.#deps;
    const appids = gateway.appids ?? [gateway.appid];
    if (!appids.includes(payment.appid) || payment.mchid !== gateway.mchid) {
      logger?.warn(
        { orderNo: payment.orderNo, appid: payment.appid, mchid: payment.mchid },
        'notification for another merchant',
      );
      return done('rejected', 'appid or mchid does not match this merchant', payment);
    }
    // The amount is checked against the order by the conditional UPDATE itself; only a notification
    // that changed nothing needs the order read to tell why.
    const refused = (order: Order | undefined) => {
      if (!order) return done('rejected', 'unknown out_trade_no', payment);
      if (payment.amountFen === order.amountFen) return undefined;
      logger?.error(
        { orderNo: order.orderNo, expectedFen: order.amountFen, notifiedFen: payment.amountFen },
        'ANOMALY: signed notification with a wrong amount; order left unchanged',
      );
      return done('rejected', `amount ${payment.amountFen} does not match the order`, payment);
    };
    // Not a payment, or no usable amount (nothing to bind into the UPDATE): read, and tell why.
    if (payment.tradeState !== 'SUCCESS' || !Number.isSafeInteger(payment.amountFen)) {
      const order = await orders.findByOrderNo(payment.orderNo);
      return refused(order) ?? done('ignored', `trade_state ${payment.tradeState}`, payment);
    }

    const paidAt = Number.isNaN(payment.paidAt.getTime()) ? this.#deps.clock.now() : payment.paidAt;
    const result = await this.#markPaid.execute({
      orderNo: payment.orderNo,
      transactionId: payment.transactionId || null,
      payerOpenid: payment.payerOpenid,
      paidAt,
      amountFen: payment.amountFen,
      source: `notify-${input.apiVersion}`,
      reason: `payment notification, transaction ${payment.transactionId}`,
      // Logged with the change it causes; had another writer won, it is logged below instead.
      notification: logEntry('applied', 'applied', payment),
    });
    if (result.applied) return answer('applied', 'applied', payment, result.fulfilment);
    const refusal = refused(result.order);
    if (refusal) return refusal;
    if (result.order?.state === 'CLOSED') {
      logger?.error(
        { orderNo: payment.orderNo, transactionId: payment.transactionId },
        'ANOMALY: WeChat reports a payment for an order closed here; refund or reopen by hand',
      );
      return done('anomaly', 'paid at WeChat but closed here', payment);
    }
    return done('duplicate', 'duplicate', payment);
  }
}

/** The headers worth keeping with a logged callback (signature, content type, sender), lower-cased. */
export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && KEPT_HEADERS.test(name)) kept[name.toLowerCase()] = [value].flat().join(', ');
  }
  return kept;
}
