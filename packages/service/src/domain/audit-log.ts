import type { AdminPrincipal } from './admin-roles.js';

/**
 * What the audit log records: every money action and every change to who may do what or to what
 * is sold, and each sign-in and sign-out. One list; the page's filter and the schema come from it.
 */
export const AUDIT_ACTIONS = [
  'refund',
  'order.close',
  'order.query',
  'notification.resend',
  'webhook.resend',
  'reconciliation.run',
  'pos.payment',
  'webhook-endpoint.change',
  'product.create',
  'product.update',
  'user.create',
  'user.update',
  'session.sign-in',
  'session.sign-in-failed',
  'session.sign-out',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted, and from where, as the HTTP layer saw the request. */
export interface AuditContext {
  principal: AdminPrincipal;
  ip: string;
  userAgent: string;
}

export interface AuditEntry {
  at: Date;
  /** A username, or `token` for the configured admin token. */
  actor: string;
  /** The user's id; absent for the token and for a failed sign-in. */
  actorId?: string;
  action: AuditAction;
  /** What was acted on: an order, refund, delivery, product or user. */
  target: string;
  /** A short account of the change; never a secret or a password. */
  detail: string;
  ip: string;
  userAgent: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  from?: Date;
  to?: Date;
  actor?: string;
  action?: AuditAction;
  limit: number;
  /** Entries older than this id (the previous page's last). */
  before?: number;
}

/** Append-only: nothing in the service changes or deletes an entry. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditRecord[]>;
}
