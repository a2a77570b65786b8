import { randomBytes } from 'node:crypto';
import {
  type AdminRole,
  type AdminUser,
  type AdminUserChanges,
  type AdminUserRepository,
  type AuditContext,
  type AuditLog,
  type Clock,
  DomainError,
  type PasswordHasher,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';

export interface ManageAdminUsersDeps {
  users: AdminUserRepository;
  hasher: PasswordHasher;
  audit: AuditLog;
  clock: Clock;
}

export interface AdminUserEdit {
  role?: AdminRole;
  disabled?: boolean;
  /** A new password, set by the owner (the user's sessions end). */
  password?: string;
}

/**
 * The owner's people page: add an admin user with a role and a first password, change the role,
 * disable or enable them, reset the password. Users are never deleted (the audit log names them),
 * and the last enabled owner can be neither demoted nor disabled.
 */
export class ManageAdminUsers {
  readonly #deps: ManageAdminUsersDeps;

  constructor(deps: ManageAdminUsersDeps) {
    this.#deps = deps;
  }

  list(): Promise<AdminUser[]> {
    return this.#deps.users.list();
  }

  async create(
    input: { username: string; password: string; role: AdminRole },
    by: AuditContext,
  ): Promise<AdminUser> {
    const { users, hasher, audit, clock } = this.#deps;
    const username = input.username.trim().toLowerCase();
    const at = clock.now();
    const created = await users.create({
      id: `usr_${randomBytes(8).toString('hex')}`,
      username,
      role: input.role,
      passwordHash: await hasher.hash(input.password),
      at,
    });
    if (!created) {
      throw new DomainError('USERNAME_TAKEN', `用户名 ${username} 已被使用 (username ${username} is taken)`);
    }
    await recordAudit(
      audit,
      by,
      { action: 'user.create', target: `user ${username}`, detail: `role ${input.role}` },
      at,
    );
    return created;
  }

  async update(id: string, edit: AdminUserEdit, by: AuditContext): Promise<AdminUser> {
    const { users, hasher, audit, clock } = this.#deps;
    const before = await users.find(id);
    if (!before) throw new DomainError('ADMIN_USER_NOT_FOUND', `no admin user ${id}`);
    const changes: AdminUserChanges = {
      ...(edit.role === undefined ? {} : { role: edit.role }),
      ...(edit.disabled === undefined ? {} : { disabled: edit.disabled }),
      ...(edit.password === undefined ? {} : { passwordHash: await hasher.hash(edit.password) }),
    };
    const at = clock.now();
    const result = await users.update(id, changes, at);
    if (result.kind === 'not-found') throw new DomainError('ADMIN_USER_NOT_FOUND', `no admin user ${id}`);
    if (result.kind === 'last-owner') {
      throw new DomainError(
        'LAST_OWNER',
        `${before.username} 是最后一个所有者，不能停用或降级 (${before.username} is the last enabled owner)`,
      );
    }
    await recordAudit(
      audit,
      by,
      { action: 'user.update', target: `user ${before.username}`, detail: describe(before, edit) },
      at,
    );
    return result.user;
  }
}

/** What changed, never the password itself. */
function describe(before: AdminUser, edit: AdminUserEdit): string {
  const parts: string[] = [];
  if (edit.role !== undefined) parts.push(`role ${before.role} → ${edit.role}`);
  if (edit.disabled !== undefined) parts.push(edit.disabled ? 'disabled' : 'enabled');
  if (edit.password !== undefined) parts.push('password reset');
  return parts.join('; ') || 'no change';
}
