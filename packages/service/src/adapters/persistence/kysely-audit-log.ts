import type { Kysely } from 'kysely';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../../domain/audit-log.js';
import { adminRowMapper } from './admin-row-mapper.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './instant-columns.js';

/** The audit log, append-only; pages go newest first by id (keyset), so a page never shifts. */
export class KyselyAuditLog implements AuditLog {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.#db.insertInto('audit_log').values(adminRowMapper.fromAudit(entry)).execute();
  }

  async list(query: AuditQuery): Promise<AuditRecord[]> {
    let select = this.#db.selectFrom('audit_log').selectAll();
    if (query.from) select = select.where('at', '>=', toMillis(query.from));
    if (query.to) select = select.where('at', '<', toMillis(query.to));
    if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.before !== undefined) select = select.where('id', '<', query.before);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(adminRowMapper.toAudit);
  }
}
