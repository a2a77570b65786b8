import { randomBytes } from 'node:crypto';
import {
  ADMIN_SESSION_IDLE_MS,
  ADMIN_SESSION_MAX_MS,
  ADMIN_SESSION_TOUCH_MS,
  type AdminPrincipal,
  type AdminSessionRepository,
  type AdminUser,
  type AdminUserRepository,
  type AuditContext,
  type AuditLog,
  type Clock,
  csrfTokenOf,
  DomainError,
  newSessionId,
  type PasswordHasher,
  sessionKey,
} from '../domain/index.js';
import { auditEntry, recordAudit } from './audit-trail.js';

export interface AdminSessionsDeps {
  users: AdminUserRepository;
  sessions: AdminSessionRepository;
  hasher: PasswordHasher;
  audit: AuditLog;
  clock: Clock;
}

/** Where a sign-in came from, for the audit log. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

export interface OpenedSession {
  /** The cookie's value; the server keeps only its hash. */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  user: AdminUser;
}

export interface ResumedSession {
  principal: Extract<AdminPrincipal, { kind: 'user' }>;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * An admin user signs in with a username and password, is recognised on each request by the
 * session cookie, and signs out. An unknown username, a disabled user and a wrong password cost
 * the same Argon2 verification and get the same answer, so neither the answer nor its time says
 * which usernames exist.
 */
export class AdminSessions {
  readonly #deps: AdminSessionsDeps;
  /** A hash no password matches, verified against when there is no user, for the same cost. */
  readonly #dummyHash: Promise<string>;

  constructor(deps: AdminSessionsDeps) {
    this.#deps = deps;
    this.#dummyHash = deps.hasher.hash(randomBytes(18).toString('base64url'));
  }

  async signIn(input: { username: string; password: string }, from: RequestOrigin): Promise<OpenedSession> {
    const { users, sessions, hasher, audit, clock } = this.#deps;
    const username = input.username.trim().toLowerCase();
    const user = await users.findCredentials(username);
    const matches = await hasher.verify(user?.passwordHash ?? (await this.#dummyHash), input.password);
    const now = clock.now();
    if (!user || user.disabled || !matches) {
      // The attempted name is recorded only when it is a user's: a password typed into the
      // username field must not end up in the log.
      await audit.record({
        at: now,
        actor: user ? user.username : '(unknown)',
        ...(user ? { actorId: user.id } : {}),
        action: 'session.sign-in-failed',
        target: user ? `user ${user.username}` : 'unknown username',
        detail: !user ? 'no such user' : user.disabled ? 'user is disabled' : 'wrong password',
        ip: from.ip,
        userAgent: from.userAgent,
      });
      throw new DomainError('SIGN_IN_FAILED', '用户名或密码错误 (wrong username or password)');
    }
    await sessions.prune(now, new Date(now.getTime() - ADMIN_SESSION_IDLE_MS));
    const sessionId = newSessionId();
    const expiresAt = new Date(now.getTime() + ADMIN_SESSION_MAX_MS);
    await sessions.create({
      key: sessionKey(sessionId),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    const { passwordHash: _hash, ...signedIn } = user;
    const by = { principal: principalOf(signedIn), ...from };
    await audit.record(
      auditEntry(
        by,
        { action: 'session.sign-in', target: `user ${user.username}`, detail: `role ${user.role}` },
        now,
      ),
    );
    return { sessionId, csrfToken: csrfTokenOf(sessionId), expiresAt, user: signedIn };
  }

  /** The session of a cookie, with its user's current role; `undefined` when it has ended. */
  async resume(sessionId: string): Promise<ResumedSession | undefined> {
    const now = this.#deps.clock.now();
    const idleSince = new Date(now.getTime() - ADMIN_SESSION_IDLE_MS);
    const found = await this.#deps.sessions.resume(
      sessionKey(sessionId),
      now,
      idleSince,
      ADMIN_SESSION_TOUCH_MS,
    );
    if (!found) return undefined;
    return {
      principal: principalOf(found.user),
      csrfToken: csrfTokenOf(sessionId),
      expiresAt: found.session.expiresAt,
    };
  }

  /** Ends the session at once (the cookie is worthless afterwards, wherever it was copied). */
  async signOut(sessionId: string, by: AuditContext): Promise<void> {
    const { sessions, audit, clock } = this.#deps;
    const ended = await sessions.revoke(sessionKey(sessionId));
    if (!ended) return;
    const target = by.principal.kind === 'user' ? `user ${by.principal.username}` : 'token';
    await recordAudit(
      audit,
      by,
      { action: 'session.sign-out', target, detail: 'session revoked' },
      clock.now(),
    );
  }
}

function principalOf(user: AdminUser): Extract<AdminPrincipal, { kind: 'user' }> {
  return { kind: 'user', userId: user.id, username: user.username, role: user.role };
}
