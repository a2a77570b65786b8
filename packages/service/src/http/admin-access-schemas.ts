import { Type } from '@sinclair/typebox';
import { ADMIN_PERMISSIONS, ADMIN_ROLES, AUDIT_ACTIONS } from '../domain/index.js';
import { LiteralUnion, TEXT_PATTERN } from './api-schemas.js';

/** Request and answer shapes of sign-in, the admin users and the audit log. */

export const AdminRoleSchema = LiteralUnion(ADMIN_ROLES);
export const AdminPermissionSchema = LiteralUnion(ADMIN_PERMISSIONS);
export const AuditActionSchema = LiteralUnion(AUDIT_ACTIONS);

const USERNAME = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$',
  description: '2–32 letters, digits, `.`, `_`, `-`; kept in lower case',
});
const NEW_PASSWORD = Type.String({
  minLength: 10,
  maxLength: 128,
  pattern: TEXT_PATTERN,
  description: 'at least 10 characters',
});

export const SignInBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, pattern: TEXT_PATTERN }),
    password: Type.String({ minLength: 1, maxLength: 256, pattern: TEXT_PATTERN }),
  },
  { additionalProperties: false },
);

export const AdminUserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: AdminRoleSchema,
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const MeSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token')], {
    description: '`token`: the configured ADMIN_TOKEN, the bootstrap owner',
  }),
  username: Type.String({ description: '`token` for the admin token' }),
  userId: Type.Optional(Type.String()),
  role: AdminRoleSchema,
  permissions: Type.Array(AdminPermissionSchema, { description: 'what this role may do' }),
  csrfToken: Type.Optional(
    Type.String({ description: 'signed in with the cookie: send it as `X-CSRF-Token` with every change' }),
  ),
});

export const SessionSchema = Type.Composite([
  MeSchema,
  Type.Object({ expiresAt: Type.String({ format: 'date-time', description: 'at the latest' }) }),
]);

export const CreateAdminUserSchema = Type.Object(
  { username: USERNAME, password: NEW_PASSWORD, role: AdminRoleSchema },
  { additionalProperties: false },
);

export const UpdateAdminUserSchema = Type.Object(
  {
    role: Type.Optional(AdminRoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(NEW_PASSWORD),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AdminUserIdParamsSchema = Type.Object({ id: Type.String({ pattern: '^usr_[0-9a-f]{16}$' }) });

export const AuditQuerySchema = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'before' })),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: TEXT_PATTERN,
        description: 'a username, or `token`',
      }),
    ),
    action: Type.Optional(AuditActionSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'the previous page’s `nextCursor`' }),
    ),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'a username, or `token`' }),
  actorId: Type.Optional(Type.String()),
  action: AuditActionSchema,
  target: Type.String(),
  detail: Type.String(),
  ip: Type.String(),
  userAgent: Type.String(),
});

export const AuditPageSchema = Type.Object({
  entries: Type.Array(AuditEntrySchema),
  nextCursor: Type.Optional(Type.String({ description: 'absent on the last page' })),
});
