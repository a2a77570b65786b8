import type { Clock, NotificationLog } from '../domain/index.js';
import type { UseCaseLogger } from './use-case-deps.js';

export interface PruneUnverifiedNotificationsDeps {
  notifications: NotificationLog;
  clock: Clock;
  logger?: UseCaseLogger;
}

/**
 * Retention of what failed verification: such a notification is kept for `retentionDays` so a
 * person can see a forgery attempt or a misconfigured key, then deleted. Verified notifications are
 * evidence of a payment and are never pruned. Safe on several instances at once (a plain DELETE).
 */
export class PruneUnverifiedNotifications {
  readonly #deps: PruneUnverifiedNotificationsDeps;
  readonly #retentionMs: number;

  constructor(deps: PruneUnverifiedNotificationsDeps, retentionDays: number) {
    this.#deps = deps;
    this.#retentionMs = retentionDays * 24 * 60 * 60_000;
  }

  /** Deletes what is older than the retention; answers how many were deleted. */
  async execute(): Promise<number> {
    const before = new Date(this.#deps.clock.now().getTime() - this.#retentionMs);
    const deleted = await this.#deps.notifications.pruneUnverified(before);
    if (deleted > 0) {
      this.#deps.logger?.info({ deleted, before: before.toISOString() }, 'unverified notifications pruned');
    }
    return deleted;
  }
}
