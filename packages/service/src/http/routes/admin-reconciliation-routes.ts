import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DISCREPANCY_KINDS, DISCREPANCY_RESOLUTIONS, RECONCILIATION_STATUSES } from '../../domain/index.js';
import type { ReconciliationUseCases } from '../../use-cases/index.js';
import { ErrorSchema, errorResponses, LiteralUnion } from '../api-schemas.js';
import { discrepancyView, reconciliationCsv, reconciliationView } from '../reconciliation-view.js';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const Day = Type.String({ pattern: DATE, description: 'a China day, YYYY-MM-DD' });

const TotalsSchema = Type.Object({
  payments: Type.Integer(),
  paymentFen: Type.Integer(),
  refunds: Type.Integer(),
  refundFen: Type.Integer(),
  feeFen: Type.Integer(),
  netFen: Type.Integer({ description: 'payments less refunds less fees' }),
});

const ReconciliationSchema = Type.Object({
  date: Type.String(),
  status: LiteralUnion(RECONCILIATION_STATUSES),
  statusLabel: Type.String(),
  apiVersion: Type.Optional(Type.String()),
  wechat: TotalsSchema,
  local: TotalsSchema,
  billRows: Type.Integer(),
  billHash: Type.Optional(Type.String({ description: 'the trade bill’s SHA-1 as WeChat stated it (v3)' })),
  fundFlow: Type.Optional(
    Type.Object({ rows: Type.Integer(), incomeFen: Type.Integer(), expenseFen: Type.Integer() }),
  ),
  discrepancies: Type.Object({ open: Type.Integer(), repaired: Type.Integer(), resolved: Type.Integer() }),
  attempts: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const DiscrepancySchema = Type.Object({
  id: Type.Integer(),
  date: Type.String(),
  kind: LiteralUnion(DISCREPANCY_KINDS),
  label: Type.String(),
  orderNo: Type.String(),
  refundNo: Type.Optional(Type.String()),
  wechatFen: Type.Optional(Type.Integer()),
  localFen: Type.Optional(Type.Integer()),
  detail: Type.String(),
  resolution: LiteralUnion(DISCREPANCY_RESOLUTIONS),
  note: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  resolvedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const DetailSchema = Type.Object({
  reconciliation: ReconciliationSchema,
  discrepancies: Type.Array(DiscrepancySchema),
});

/** The admin's reconciliation: the calendar, a day in full or as CSV, and a re-run. */
export const adminReconciliationRoutes: FastifyPluginAsyncTypebox<{
  reconciliation: ReconciliationUseCases;
}> = async (app, { reconciliation }) => {
  const admin = { tags: ['admin'], security: [{ bearer: [] }] };
  const detail = async (date: string) => {
    const found = await reconciliation.viewReconciliations.get(date);
    return {
      reconciliation: reconciliationView(found.reconciliation),
      discrepancies: found.discrepancies.map(discrepancyView),
    };
  };

  app.post(
    '/api/admin/reconciliations',
    {
      schema: {
        ...admin,
        body: Type.Object({ date: Day }, { additionalProperties: false }),
        response: { 200: DetailSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      await reconciliation.reconcileDay.execute({ date: request.body.date, rerun: true });
      return detail(request.body.date);
    },
  );

  app.get(
    '/api/admin/reconciliations',
    {
      schema: {
        ...admin,
        querystring: Type.Object(
          { from: Type.Optional(Day), to: Type.Optional(Day) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(ReconciliationSchema), 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => (await reconciliation.viewReconciliations.list(request.query)).map(reconciliationView),
  );

  app.get(
    '/api/admin/reconciliations/:date.csv',
    {
      schema: {
        ...admin,
        params: Type.Object({ date: Day }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const found = await reconciliation.viewReconciliations.get(request.params.date);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="reconciliation-${request.params.date}.csv"`)
        .header('cache-control', 'no-store')
        .send(reconciliationCsv(found.reconciliation, found.discrepancies));
    },
  );

  app.get(
    '/api/admin/reconciliations/:date',
    {
      schema: {
        ...admin,
        params: Type.Object({ date: Day }),
        response: { 200: DetailSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => detail(request.params.date),
  );
};
