import type { FastifyInstance } from 'fastify';
import type { NotificationKind, NotificationStatus } from '../notifier/notification-log.js';
import type { SimContext } from '../sim-context.js';
import { notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { dispatcherOf, notificationSummary } from './notification-view.js';

const STATUSES: readonly NotificationStatus[] = ['pending', 'delivered', 'failed'];
const KINDS: readonly NotificationKind[] = ['payment', 'refund'];

type IdParams = { Params: { id: string } };

/**
 * `/_sim/notifications`: every callback the simulator owes a merchant, with each attempt's HTTP
 * status, answer and whether it counted as an ACK — the first place to look when "the
 * notification never arrived" — and a manual resend, as in the merchant platform.
 */
export function notificationControlRoutes(app: FastifyInstance, ctx: Pick<SimContext, 'notifier'>): void {
  const recordOf = (id: string) => {
    const record = dispatcherOf(ctx).get(id);
    if (!record) throw notFound(`notification ${id}`);
    return record;
  };

  app.get('/notifications', async (request) => {
    const query = ControlInput.query(request);
    return dispatcherOf(ctx)
      .list({
        mchid: query.string('mchid'),
        outTradeNo: query.string('outTradeNo'),
        kind: query.choice('kind', KINDS),
        status: query.choice('status', STATUSES),
        limit: query.integer('limit', { min: 1, max: 1000 }) ?? 200,
      })
      .map(notificationSummary);
  });

  app.get<IdParams>('/notifications/:id', async (request) => recordOf(request.params.id));

  app.post<IdParams>('/notifications/:id/resend', async (request) => {
    const record = recordOf(request.params.id);
    await dispatcherOf(ctx).resend(record.id);
    return notificationSummary(recordOf(record.id));
  });
}
