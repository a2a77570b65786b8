import type { Static } from '@sinclair/typebox';
import type { AdminUserSchema, AuditPageSchema, MeSchema, SessionSchema } from './admin-access-schemas.js';

/** Answers of sign-in, the admin users and the audit log, for the OpenAPI document. */

export const ME_EXAMPLE: Static<typeof MeSchema> = {
  kind: 'user',
  username: 'li.na',
  userId: 'usr_3f9a0c1d2b4e5f60',
  role: 'operator',
  permissions: ['read', 'refund', 'close', 'resend', 'reconcile'],
  csrfToken: 'Yk1u0b3f8Zq2Xc9Lr4Wv7Tn5Hs6Jd0Aa1Pe2Gi3Mo4Q',
};

export const SESSION_EXAMPLE: Static<typeof SessionSchema> = {
  ...ME_EXAMPLE,
  expiresAt: '2026-12-03T14:00:00.000Z',
};

export const ADMIN_USER_EXAMPLE: Static<typeof AdminUserSchema> = {
  id: 'usr_3f9a0c1d2b4e5f60',
  username: 'li.na',
  role: 'operator',
  disabled: false,
  createdAt: '2026-12-03T01:00:00.000Z',
  updatedAt: '2026-12-03T01:00:00.000Z',
};

export const AUDIT_PAGE_EXAMPLE: Static<typeof AuditPageSchema> = {
  entries: [
    {
      id: 42,
      at: '2026-12-03T02:10:00.000Z',
      actor: 'li.na',
      actorId: 'usr_3f9a0c1d2b4e5f60',
      action: 'refund',
      target: 'order 20261203100000A1b2C3d4E5',
      detail: 'refund R20261203101000F6g7H8i9J0: ¥9.90 (990 fen); reason: 破损',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)',
    },
  ],
  nextCursor: '42',
};
