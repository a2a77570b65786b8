import type { Kysely } from 'kysely';

/**
 * A v3 notification's resource is encrypted in its raw body; the decrypted resource is kept beside
 * it (for verified notifications only), so the admin can read what WeChat said without the key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications_received').addColumn('decrypted_body', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications_received').dropColumn('decrypted_body').execute();
}
