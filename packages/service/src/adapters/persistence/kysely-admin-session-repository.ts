import type { Kysely } from 'kysely';
import type { AdminSessionRecord, AdminSessionRepository, AdminUser } from '../../domain/admin-user-ports.js';
import { adminRowMapper } from './admin-row-mapper.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './instant-columns.js';

/** Admin browser sessions, keyed by the hash of the cookie's id. */
export class KyselyAdminSessionRepository implements AdminSessionRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async create(session: AdminSessionRecord): Promise<void> {
    await this.#db.insertInto('admin_sessions').values(adminRowMapper.fromSession(session)).execute();
  }

  async resume(
    key: string,
    now: Date,
    idleSince: Date,
    touchAfterMs: number,
  ): Promise<{ session: AdminSessionRecord; user: AdminUser } | undefined> {
    const row = await this.#db
      .selectFrom('admin_sessions as s')
      .innerJoin('admin_users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.key', 's.user_id', 's.last_seen_at', 's.expires_at', 's.created_at as session_created_at'])
      .where('s.key', '=', key)
      .where('s.expires_at', '>', toMillis(now))
      .where('s.last_seen_at', '>', toMillis(idleSince))
      .where('u.disabled', '=', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    let lastSeen = Number(row.last_seen_at);
    if (toMillis(now) - lastSeen >= touchAfterMs) {
      lastSeen = toMillis(now);
      await this.#db
        .updateTable('admin_sessions')
        .set({ last_seen_at: lastSeen })
        .where('key', '=', key)
        .execute();
    }
    const session = adminRowMapper.toSession({
      key: row.key,
      user_id: row.user_id,
      created_at: row.session_created_at,
      last_seen_at: lastSeen,
      expires_at: row.expires_at,
    });
    return { session, user: adminRowMapper.toUser(row) };
  }

  async revoke(key: string): Promise<AdminSessionRecord | undefined> {
    const row = await this.#db
      .deleteFrom('admin_sessions')
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirst();
    return row && adminRowMapper.toSession(row);
  }

  async prune(now: Date, idleSince: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom('admin_sessions')
      .where((eb) =>
        eb.or([eb('expires_at', '<=', toMillis(now)), eb('last_seen_at', '<=', toMillis(idleSince))]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
