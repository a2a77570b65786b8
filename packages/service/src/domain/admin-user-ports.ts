import type { AdminRole } from './admin-roles.js';

/** A person who signs in to the back office. Never deleted: the audit log names them. */
export interface AdminUser {
  id: string;
  /** Lower case; unique. */
  username: string;
  role: AdminRole;
  /** A disabled user cannot sign in and has no session. */
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAdminUser {
  id: string;
  username: string;
  role: AdminRole;
  passwordHash: string;
  at: Date;
}

export interface AdminUserChanges {
  role?: AdminRole;
  disabled?: boolean;
  passwordHash?: string;
}

export type AdminUserUpdate =
  | { kind: 'updated'; user: AdminUser }
  | { kind: 'not-found' }
  /** The change would leave no enabled owner: refused, nothing written. */
  | { kind: 'last-owner' };

export interface AdminUserRepository {
  /** `undefined` when the username is taken. */
  create(user: NewAdminUser): Promise<AdminUser | undefined>;
  find(id: string): Promise<AdminUser | undefined>;
  /** With the password hash, for sign-in only. */
  findCredentials(username: string): Promise<(AdminUser & { passwordHash: string }) | undefined>;
  list(): Promise<AdminUser[]>;
  /**
   * Applies `changes` unless they would take the role or the access of the last enabled owner:
   * the check and the write are one step however many owners change at once. A disabled user's
   * or a reset password's sessions are revoked in the same transaction.
   */
  update(id: string, changes: AdminUserChanges, at: Date): Promise<AdminUserUpdate>;
}

/** A signed-in browser, stored by the hash of its cookie's id: a database leak opens no session. */
export interface AdminSessionRecord {
  key: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface AdminSessionRepository {
  create(session: AdminSessionRecord): Promise<void>;
  /**
   * The live session of `key` and its user's current state (role changes apply at once), its
   * `lastSeenAt` moved to `now` when older than `touchAfterMs`. `undefined` when unknown, past
   * `expiresAt`, idle since before `idleSince`, or its user is disabled.
   */
  resume(
    key: string,
    now: Date,
    idleSince: Date,
    touchAfterMs: number,
  ): Promise<{ session: AdminSessionRecord; user: AdminUser } | undefined>;
  revoke(key: string): Promise<AdminSessionRecord | undefined>;
  /** Deletes sessions past their expiry or idle since before `idleSince`. */
  prune(now: Date, idleSince: Date): Promise<number>;
}

/** A memory-hard password hash (the adapter picks the algorithm and its cost). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `false` for a wrong password and for a hash it cannot read. */
  verify(hash: string, password: string): Promise<boolean>;
}
