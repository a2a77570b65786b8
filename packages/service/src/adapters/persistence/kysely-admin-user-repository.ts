import type { Kysely, Transaction } from 'kysely';
import type {
  AdminUser,
  AdminUserChanges,
  AdminUserRepository,
  AdminUserUpdate,
  NewAdminUser,
} from '../../domain/admin-user-ports.js';
import { adminRowMapper } from './admin-row-mapper.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './instant-columns.js';

type Trx = Transaction<DatabaseSchema>;

/**
 * Admin users on Kysely. The last-owner rule is kept by locking every enabled owner's row before a
 * change is decided (a no-op UPDATE … RETURNING, which locks on PostgreSQL; SQLite has one writer),
 * so two owners demoting each other at once cannot both succeed.
 */
export class KyselyAdminUserRepository implements AdminUserRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async create(user: NewAdminUser): Promise<AdminUser | undefined> {
    const at = toMillis(user.at);
    const row = await this.#db
      .insertInto('admin_users')
      .values({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        disabled: 0,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && adminRowMapper.toUser(row);
  }

  async find(id: string): Promise<AdminUser | undefined> {
    const row = await this.#db.selectFrom('admin_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && adminRowMapper.toUser(row);
  }

  async findCredentials(username: string): Promise<(AdminUser & { passwordHash: string }) | undefined> {
    const row = await this.#db
      .selectFrom('admin_users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row && { ...adminRowMapper.toUser(row), passwordHash: row.password_hash };
  }

  async list(): Promise<AdminUser[]> {
    const rows = await this.#db.selectFrom('admin_users').selectAll().orderBy('username').execute();
    return rows.map(adminRowMapper.toUser);
  }

  update(id: string, changes: AdminUserChanges, at: Date): Promise<AdminUserUpdate> {
    return this.#db.transaction().execute((trx) => this.#update(trx, id, changes, at));
  }

  async #update(trx: Trx, id: string, changes: AdminUserChanges, at: Date): Promise<AdminUserUpdate> {
    const owners = await trx
      .updateTable('admin_users')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('role', '=', 'owner')
      .where('disabled', '=', 0)
      .returning('id')
      .execute();
    const current = await trx.selectFrom('admin_users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) return { kind: 'not-found' };
    const wasOwner = owners.some((owner) => owner.id === id);
    const staysOwner = (changes.role ?? current.role) === 'owner' && !(changes.disabled ?? current.disabled);
    if (wasOwner && !staysOwner && owners.length <= 1) return { kind: 'last-owner' };

    const row = await trx
      .updateTable('admin_users')
      .set({
        updated_at: toMillis(at),
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
        ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Who lost access, or whose password may be known to someone else, is signed out everywhere.
    if (changes.disabled === true || changes.passwordHash !== undefined) {
      await trx.deleteFrom('admin_sessions').where('user_id', '=', id).execute();
    }
    return { kind: 'updated', user: adminRowMapper.toUser(row) };
  }
}
