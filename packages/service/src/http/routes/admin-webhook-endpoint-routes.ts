import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpointInfo } from '../../domain/index.js';
import type { WebhookUseCases } from '../../use-cases/index.js';
import { auditContextOf } from '../admin-guard.js';
import { ErrorSchema, errorResponses, LiteralUnion, TEXT_PATTERN, TOKEN_PATTERN } from '../api-schemas.js';

const DateTime = (description?: string) => Type.String({ format: 'date-time', description });

export const WebhookEndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Optional(Type.Array(Type.String(), { description: 'all events when absent' })),
  description: Type.String(),
  enabled: Type.Boolean(),
  readOnly: Type.Boolean({ description: 'the environment’s WEBHOOK_URL: change it there' }),
  createdAt: Type.Optional(DateTime()),
  updatedAt: Type.Optional(DateTime()),
  secretRotatedAt: Type.Optional(DateTime()),
  previousSecretUntil: Type.Optional(DateTime('the rotated-out secret signs beside the new one until then')),
});

const WithSecretSchema = Type.Composite([
  WebhookEndpointSchema,
  Type.Object({
    secret: Type.String({ description: 'shown this once: give it to the receiver now (parseWebhook)' }),
  }),
]);

const Fields = {
  url: Type.String({
    minLength: 8,
    maxLength: 2048,
    pattern: TOKEN_PATTERN,
    description: 'https:// (http:// in demo mode or with WEBHOOK_ALLOW_HTTP=true)',
  }),
  events: Type.Array(LiteralUnion(WEBHOOK_EVENT_TYPES), {
    minItems: 1,
    maxItems: WEBHOOK_EVENT_TYPES.length,
    uniqueItems: true,
  }),
  description: Type.String({ maxLength: 200, pattern: TEXT_PATTERN }),
  enabled: Type.Boolean({ description: 'false: no new events go to it (its deliveries stay)' }),
};

const CreateSchema = Type.Object(
  { url: Fields.url, events: Fields.events, description: Type.Optional(Fields.description) },
  { additionalProperties: false },
);
const UpdateSchema = Type.Object(
  {
    url: Type.Optional(Fields.url),
    events: Type.Optional(Fields.events),
    description: Type.Optional(Fields.description),
    enabled: Type.Optional(Fields.enabled),
  },
  { additionalProperties: false, minProperties: 1 },
);
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-Za-z_\\-]{1,64}$' }) });

/** What the admin's webhook endpoints answer: ISO times, never a secret (but the one just made). */
export function endpointView(endpoint: WebhookEndpointInfo): Static<typeof WebhookEndpointSchema> {
  const { createdAt, updatedAt, secretRotatedAt, previousSecretUntil, events, ...rest } = endpoint;
  return {
    ...rest,
    ...(events ? { events: [...events] } : {}),
    ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
    ...(updatedAt ? { updatedAt: updatedAt.toISOString() } : {}),
    ...(secretRotatedAt ? { secretRotatedAt: secretRotatedAt.toISOString() } : {}),
    ...(previousSecretUntil ? { previousSecretUntil: previousSecretUntil.toISOString() } : {}),
  };
}

/**
 * The admin's webhook endpoints: list (the environment's one read-only), add (its secret shown
 * once), change, rotate the secret (the old one signs beside it for 24 h), disable.
 */
export const adminWebhookEndpointRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookUseCases }> = async (
  app,
  { webhooks },
) => {
  const admin = { tags: ['admin'] };
  const change = { permission: 'webhooks.manage' } as const;
  const manage = webhooks.manageWebhookEndpoints;
  const path = '/api/admin/webhooks/endpoints';

  app.get(
    path,
    {
      config: { permission: 'read' },
      schema: { ...admin, response: { 200: Type.Array(WebhookEndpointSchema), 401: ErrorSchema } },
    },
    async () => (await manage.list()).map(endpointView),
  );

  app.post(
    path,
    {
      config: change,
      schema: {
        ...admin,
        body: CreateSchema,
        response: { 201: WithSecretSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await manage.create(request.body, auditContextOf(request));
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ ...endpointView(endpoint), secret });
    },
  );

  app.patch(
    `${path}/:id`,
    {
      config: change,
      schema: {
        ...admin,
        params: IdParams,
        body: UpdateSchema,
        response: { 200: WebhookEndpointSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) =>
      endpointView(await manage.update(request.params.id, request.body, auditContextOf(request))),
  );

  app.post(
    `${path}/:id/rotate-secret`,
    {
      config: change,
      schema: {
        ...admin,
        params: IdParams,
        response: { 200: WithSecretSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await manage.rotateSecret(request.params.id, auditContextOf(request));
      return reply.header('cache-control', 'no-store').send({ ...endpointView(endpoint), secret });
    },
  );

  app.delete(
    `${path}/:id`,
    {
      config: change,
      schema: {
        ...admin,
        params: IdParams,
        response: { 200: WebhookEndpointSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => endpointView(await manage.disable(request.params.id, auditContextOf(request))),
  );
};
