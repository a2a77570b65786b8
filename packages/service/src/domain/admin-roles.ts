/**
 * Who may do what in the back office, as data: each role's permissions. A route names the one
 * permission it needs (`config: { permission: 'refund' }`); the HTTP guard asks {@link roleAllows}.
 * The page asks the server (`GET /api/admin/me` lists the caller's permissions), so this table is
 * the only place the rule is written.
 */

export const ADMIN_ROLES = ['owner', 'operator', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ADMIN_PERMISSIONS = [
  /** Every list, detail, statistic and export, and the audit log. */
  'read',
  /** Refund a paid order. */
  'refund',
  /** Close an unpaid order. */
  'close',
  /** Ask for a payment notification again, resend a webhook. */
  'resend',
  /** Query WeChat now, run a reconciliation again. */
  'reconcile',
  /** Add admin users, change their role, disable them, reset their password. */
  'users.manage',
  /** Add, reprice, withdraw products. */
  'products.manage',
  /** Add, change, remove webhook endpoints. */
  'webhooks.manage',
  /** The service's settings. */
  'settings.manage',
  /** Take in-store payments: scan a customer's payment code (付款码) at the till. */
  'pos',
] as const;
export type AdminPermission = (typeof ADMIN_PERMISSIONS)[number];

const VIEWER: readonly AdminPermission[] = ['read'];
const OPERATOR: readonly AdminPermission[] = [...VIEWER, 'refund', 'close', 'resend', 'reconcile', 'pos'];
const OWNER: readonly AdminPermission[] = [
  ...OPERATOR,
  'users.manage',
  'products.manage',
  'webhooks.manage',
  'settings.manage',
];

/** Each role's permissions; each role can do all that the one below it can. */
export const ROLE_PERMISSIONS: Readonly<Record<AdminRole, readonly AdminPermission[]>> = {
  viewer: VIEWER,
  operator: OPERATOR,
  owner: OWNER,
};

export function roleAllows(role: AdminRole, permission: AdminPermission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isAdminRole(value: string): value is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(value);
}

/**
 * Who is acting: a signed-in admin user, or whoever holds the configured `ADMIN_TOKEN` (the
 * bootstrap owner, for API use and for creating the first users).
 */
export type AdminPrincipal =
  | { kind: 'user'; userId: string; username: string; role: AdminRole }
  | { kind: 'token'; role: 'owner' };

export const TOKEN_PRINCIPAL: AdminPrincipal = { kind: 'token', role: 'owner' };

/** The principal's name in the audit log and on the page: the username, or `token`. */
export function principalName(principal: AdminPrincipal): string {
  return principal.kind === 'user' ? principal.username : 'token';
}
