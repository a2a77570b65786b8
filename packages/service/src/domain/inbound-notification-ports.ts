import type { ApiVersion } from './order.js';
import type { VerifiedPayment } from './ports.js';
import type { VerifiedRefundNotification } from './refund-ports.js';

/**
 * What became of a notification; anything but `ack` makes WeChat send it again. `rejected` = it
 * will never verify (bad signature, wrong amount…), `error` = our fault, worth retrying.
 */
export type NotificationVerdict =
  | { ack: true }
  | {
      ack: false;
      failure: 'rejected' | 'error';
      message: string;
      /** `true` when it failed verification: nobody has shown it came from WeChat. */
      unverified?: boolean;
    };

/** An HTTP answer in WeChat's own format, ready to be written out as is. */
export interface WechatReply {
  status: number;
  headers: Record<string, string>;
  /** `undefined` = no body (v3's 204). */
  body: string | undefined;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * WeChat's callbacks in one API version's dialect, end to end: what arrives is verified and
 * decrypted here, and the answer — v2 XML `return_code`, v3 204 or `{code,message}` — is written
 * here, so use cases and routes handle protocol-neutral values and bytes they never read.
 */
export interface InboundNotifications {
  /** Verifies (and decrypts) a payment notification; throws `NOTIFICATION_REJECTED` when it is not genuine. */
  verifyPayment(headers: Headers, rawBody: Buffer): Promise<VerifiedPayment>;
  /** Verifies (and decrypts) a refund notification; throws `NOTIFICATION_REJECTED` when it is not genuine. */
  verifyRefund(headers: Headers, rawBody: Buffer): Promise<VerifiedRefundNotification>;
  /** `limited`: the sender is over its limit of failed verifications (429 instead of the usual status). */
  reply(verdict: NotificationVerdict, limited?: boolean): WechatReply;
}

/**
 * One dialect per API version. WeChat calls each order back in the version it was created with,
 * which the notification URL names, so the choice is a lookup and never a branch.
 */
export type InboundNotificationsByVersion = Readonly<Record<ApiVersion, InboundNotifications>>;
