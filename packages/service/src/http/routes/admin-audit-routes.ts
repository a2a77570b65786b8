import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditRecord } from '../../domain/index.js';
import type { AdminAccessUseCases } from '../../use-cases/index.js';
import { AuditPageSchema, AuditQuerySchema } from '../admin-access-schemas.js';
import { ErrorSchema } from '../api-schemas.js';
import { parseInstant } from '../instant-parser.js';

/** The audit tab: who did what, when and from where; filters and pages by cursor. */
export const adminAuditRoutes: FastifyPluginAsyncTypebox<{
  access: Pick<AdminAccessUseCases, 'readAuditLog'>;
}> = async (app, { access }) => {
  app.get(
    '/api/admin/audit',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['admin'],
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, 400: ErrorSchema },
      },
    },
    async (request) => {
      const { from, to, actor, action, limit, cursor } = request.query;
      const page = await access.readAuditLog.execute({
        from: from === undefined ? undefined : parseInstant(from),
        to: to === undefined ? undefined : parseInstant(to),
        actor,
        action,
        limit: limit ?? 50,
        before: cursor === undefined ? undefined : Number(cursor),
      });
      return {
        entries: page.entries.map(entryView),
        ...(page.next === undefined ? {} : { nextCursor: String(page.next) }),
      };
    },
  );
};

function entryView(entry: AuditRecord) {
  return { ...entry, at: entry.at.toISOString() };
}
