import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AdminUser } from '../../domain/index.js';
import type { AdminAccessUseCases } from '../../use-cases/index.js';
import {
  AdminUserIdParamsSchema,
  AdminUserSchema,
  CreateAdminUserSchema,
  UpdateAdminUserSchema,
} from '../admin-access-schemas.js';
import { auditContextOf } from '../admin-guard.js';
import { errorResponses } from '../api-schemas.js';

/** The owner's Users tab: list, add, change role, disable or enable, reset a password. */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{
  access: Pick<AdminAccessUseCases, 'manageAdminUsers'>;
}> = async (app, { access }) => {
  const users = access.manageAdminUsers;
  const options = { config: { permission: 'users.manage' as const } };

  app.get(
    '/api/admin/users',
    { ...options, schema: { tags: ['admin'], response: { 200: Type.Array(AdminUserSchema) } } },
    async () => (await users.list()).map(userView),
  );

  app.post(
    '/api/admin/users',
    {
      ...options,
      schema: {
        tags: ['admin'],
        body: CreateAdminUserSchema,
        response: { 201: AdminUserSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(userView(await users.create(request.body, auditContextOf(request)))),
  );

  app.patch(
    '/api/admin/users/:id',
    {
      ...options,
      schema: {
        tags: ['admin'],
        params: AdminUserIdParamsSchema,
        body: UpdateAdminUserSchema,
        response: { 200: AdminUserSchema, ...errorResponses },
      },
    },
    async (request) => userView(await users.update(request.params.id, request.body, auditContextOf(request))),
  );
};

function userView(user: AdminUser) {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
