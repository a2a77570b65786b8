import {
  type Database,
  KyselyAdminSessionRepository,
  KyselyAdminUserRepository,
  KyselyAuditLog,
} from '../adapters/persistence/index.js';
import { Argon2PasswordHasher } from '../adapters/security/index.js';
import type { Clock } from '../domain/index.js';
import {
  type AdminAccessUseCases,
  AdminSessions,
  ManageAdminUsers,
  ReadAuditLog,
} from '../use-cases/index.js';

/**
 * Who may enter the back office: admin users and their sessions in the database, passwords
 * hashed with Argon2id, and the audit log the other features write to (the same table as
 * `PaymentDeps.audit`).
 */
export function composeAdminAccess(database: Database, clock: Clock): AdminAccessUseCases {
  const users = new KyselyAdminUserRepository(database.db);
  const hasher = new Argon2PasswordHasher();
  const audit = new KyselyAuditLog(database.db);
  return {
    adminSessions: new AdminSessions({
      users,
      sessions: new KyselyAdminSessionRepository(database.db),
      hasher,
      audit,
      clock,
    }),
    manageAdminUsers: new ManageAdminUsers({ users, hasher, audit, clock }),
    readAuditLog: new ReadAuditLog({ audit }),
  };
}
