// What the notification routes and the operations they call agree on, for payments and refunds alike.

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

/** How the route wants a notification handled. */
export interface NotificationHandling {
  /** `false` when its source failed verification too often: not stored if it fails again. */
  storeUnverified: boolean;
}
