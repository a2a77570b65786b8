import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { WebhookAttemptRecord, WebhookDelivery } from '../../domain/index.js';
import type { WebhookUseCases } from '../../use-cases/index.js';
import { auditContextOf } from '../admin-guard.js';
import { ErrorSchema, errorResponses } from '../api-schemas.js';
import {
  adminWebhookEndpointRoutes,
  endpointView,
  WebhookEndpointSchema,
} from './admin-webhook-endpoint-routes.js';

const DELIVERY_ID = '^evt_[0-9A-Za-z_.\\-|*]{1,120}\\|[0-9A-Za-z_\\-]{1,64}$';

const DeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  subject: Type.String({ description: 'the order or refund number' }),
  endpointId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastHttpStatus: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Type.String()),
  lastAttemptAt: Type.Optional(Type.String({ format: 'date-time' })),
  deliveredAt: Type.Optional(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});

const AttemptSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  acked: Type.Boolean(),
  httpStatus: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
  durationMs: Type.Integer(),
  manual: Type.Boolean(),
});

const DeliveryDetailSchema = Type.Composite([
  DeliverySchema,
  Type.Object({ event: Type.Record(Type.String(), Type.Unknown()), history: Type.Array(AttemptSchema) }),
]);

const IdParams = Type.Object({ id: Type.String({ pattern: DELIVERY_ID }) });

/** The admin's webhook tab: endpoints (never their secrets, managed in their own routes), deliveries, attempts, resend. */
export const adminWebhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookUseCases }> = async (
  app,
  { webhooks },
) => {
  const admin = { tags: ['admin'] };

  app.get(
    '/api/admin/webhooks',
    {
      config: { permission: 'read' },
      schema: {
        ...admin,
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            endpoints: Type.Array(WebhookEndpointSchema),
            deliveries: Type.Array(DeliverySchema),
          }),
          400: ErrorSchema,
          401: ErrorSchema,
        },
      },
    },
    async (request) => ({
      endpoints: (await webhooks.manageWebhookEndpoints.list()).map(endpointView),
      deliveries: (await webhooks.listWebhookDeliveries.list(request.query)).map(deliveryView),
    }),
  );

  app.get(
    '/api/admin/webhooks/deliveries/:id',
    {
      config: { permission: 'read' },
      schema: {
        ...admin,
        params: IdParams,
        response: { 200: DeliveryDetailSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => detailView(await webhooks.listWebhookDeliveries.find(request.params.id)),
  );

  app.post(
    '/api/admin/webhooks/deliveries/:id/resend',
    {
      config: { permission: 'resend' },
      schema: {
        ...admin,
        params: IdParams,
        response: { 200: DeliveryDetailSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      await webhooks.resendWebhook.execute({ deliveryId: request.params.id }, auditContextOf(request));
      return detailView(await webhooks.listWebhookDeliveries.find(request.params.id));
    },
  );

  await app.register(adminWebhookEndpointRoutes, { webhooks });
};

function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    eventId: delivery.event.id,
    eventType: delivery.eventType,
    subject: delivery.subject,
    endpointId: delivery.endpointId,
    status: delivery.status,
    attempts: delivery.attempts,
    ...(delivery.lastHttpStatus === null ? {} : { lastHttpStatus: delivery.lastHttpStatus }),
    ...(delivery.lastError === null ? {} : { lastError: delivery.lastError }),
    ...(delivery.lastAttemptAt ? { lastAttemptAt: delivery.lastAttemptAt.toISOString() } : {}),
    ...(delivery.deliveredAt ? { deliveredAt: delivery.deliveredAt.toISOString() } : {}),
    createdAt: delivery.createdAt.toISOString(),
  };
}

function detailView(delivery: WebhookDelivery & { history: WebhookAttemptRecord[] }) {
  return {
    ...deliveryView(delivery),
    event: { ...delivery.event, createdAt: delivery.event.createdAt.toISOString() } as Record<
      string,
      unknown
    >,
    history: delivery.history.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
  };
}
