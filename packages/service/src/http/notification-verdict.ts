// What the notification routes and the operations they call agree on, for payments and refunds alike.

export type { NotificationVerdict } from '../domain/index.js';

/** How the route wants a notification handled. */
export interface NotificationHandling {
  /** `false` when its source failed verification too often: not stored if it fails again. */
  storeUnverified: boolean;
}
