import {
  type AuditAction,
  type AuditContext,
  type AuditEntry,
  type AuditLog,
  principalName,
} from '../domain/index.js';

const MAX_DETAIL = 300;

/** One audit entry of `by`'s action: who and from where come from the request's context. */
export function auditEntry(
  by: AuditContext,
  what: { action: AuditAction; target: string; detail: string },
  at: Date,
): AuditEntry {
  const { principal } = by;
  return {
    at,
    actor: principalName(principal),
    ...(principal.kind === 'user' ? { actorId: principal.userId } : {}),
    action: what.action,
    target: what.target,
    detail: what.detail.length > MAX_DETAIL ? `${what.detail.slice(0, MAX_DETAIL - 1)}…` : what.detail,
    ip: by.ip,
    userAgent: by.userAgent,
  };
}

/**
 * Writes the audit entry of an admin's action, from inside the use case that did it, once its
 * change is stored. Nothing is written when no admin acted (`by` absent: a job, a test).
 */
export async function recordAudit(
  audit: AuditLog | undefined,
  by: AuditContext | undefined,
  what: { action: AuditAction; target: string; detail: string },
  at: Date,
): Promise<void> {
  if (audit && by) await audit.record(auditEntry(by, what, at));
}
