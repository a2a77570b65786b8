import type { Kysely } from 'kysely';
import type { NotificationLog, ReceivedNotification } from '../../domain/ports.js';
import type { DatabaseSchema } from './database-schema.js';
import { rowMapper, toMillis } from './row-mapper.js';

/**
 * Every callback WeChat sent, kept verbatim with its verification outcome, so a disputed payment
 * can be re-verified later from exactly the bytes that arrived.
 */
export class KyselyNotificationLog implements NotificationLog {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async record(entry: ReceivedNotification): Promise<void> {
    await this.#db.insertInto('notifications_received').values(rowMapper.fromNotification(entry)).execute();
  }

  async forOrder(orderNo: string): Promise<ReceivedNotification[]> {
    const rows = await this.#db
      .selectFrom('notifications_received')
      .selectAll()
      .where('order_no', '=', orderNo)
      .orderBy('id')
      .execute();
    return rows.map(rowMapper.toNotification);
  }

  async pruneUnverified(before: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom('notifications_received')
      .where('verified', '=', 0)
      .where('received_at', '<', toMillis(before))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
