import type { Selectable } from 'kysely';
import type { AdminRole } from '../../domain/admin-roles.js';
import type { AdminSessionRecord, AdminUser } from '../../domain/admin-user-ports.js';
import type { AuditEntry, AuditRecord } from '../../domain/audit-log.js';
import type { AdminSessionsTable, AdminUsersTable, AuditLogTable } from './database-schema.js';
import { toDate, toMillis } from './instant-columns.js';

/** Rows of the admin users, sessions and audit tables ↔ domain objects. */
export const adminRowMapper = {
  toUser(row: Selectable<AdminUsersTable>): AdminUser {
    return {
      id: row.id,
      username: row.username,
      role: row.role as AdminRole,
      disabled: Boolean(row.disabled),
      createdAt: toDate(row.created_at),
      updatedAt: toDate(row.updated_at),
    };
  },

  toSession(row: Selectable<AdminSessionsTable>): AdminSessionRecord {
    return {
      key: row.key,
      userId: row.user_id,
      createdAt: toDate(row.created_at),
      lastSeenAt: toDate(row.last_seen_at),
      expiresAt: toDate(row.expires_at),
    };
  },

  fromSession(session: AdminSessionRecord): Selectable<AdminSessionsTable> {
    return {
      key: session.key,
      user_id: session.userId,
      created_at: toMillis(session.createdAt),
      last_seen_at: toMillis(session.lastSeenAt),
      expires_at: toMillis(session.expiresAt),
    };
  },

  fromAudit(entry: AuditEntry) {
    return {
      at: toMillis(entry.at),
      actor: entry.actor,
      actor_id: entry.actorId ?? null,
      action: entry.action,
      target: entry.target,
      detail: entry.detail,
      ip: entry.ip,
      user_agent: entry.userAgent,
    };
  },

  toAudit(row: Selectable<AuditLogTable>): AuditRecord {
    return {
      id: Number(row.id),
      at: toDate(row.at),
      actor: row.actor,
      ...(row.actor_id === null ? {} : { actorId: row.actor_id }),
      action: row.action as AuditRecord['action'],
      target: row.target,
      detail: row.detail,
      ip: row.ip,
      userAgent: row.user_agent,
    };
  },
};
