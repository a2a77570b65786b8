import type { ApiVersion } from './order.js';

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

/**
 * How WeChat is told what became of its callback — v2 XML `return_code`, v3 204 or `{code,message}` —
 * so routes write bytes out without knowing either dialect.
 */
export interface NotificationReplies {
  /** `limited`: the sender is over its limit of failed verifications (429 instead of the usual status). */
  render(apiVersion: ApiVersion, verdict: NotificationVerdict, limited?: boolean): WechatReply;
  /** The unsigned v2 refusal of a mode-1 scan callback that could not even be read. */
  unreadableScanCallback(): WechatReply;
}
