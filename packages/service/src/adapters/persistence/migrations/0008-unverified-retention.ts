import { type Kysely, sql } from 'kysely';

/**
 * The retention prune finds old unverified notifications by this index. It is partial (only rows
 * with `verified = 0`), so the notifications WeChat really sent — nearly all of them, on the hot
 * path — never pay for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('notifications_received_unverified_at')
    .on('notifications_received')
    .column('received_at')
    .where(sql.ref('verified'), '=', 0)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('notifications_received_unverified_at').execute();
}
