import type { FastifyInstance } from 'fastify';
import type { RefundStatus } from '../engine/sim-records.js';
import type { SimContext } from '../sim-context.js';
import { ControlError, notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { refundView } from './order-view.js';

const STATUSES: readonly RefundStatus[] = ['PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED'];
const OUTCOMES: readonly Exclude<RefundStatus, 'PROCESSING'>[] = ['SUCCESS', 'ABNORMAL', 'CLOSED'];
/** A refund may be made to take up to a week, like a bank transfer that goes wrong. */
const MAX_SETTLE_DELAY_MS = 7 * 24 * 3600_000;

type SettleParams = { Params: { mchid: string; outRefundNo: string } };

/**
 * `/_sim/refunds`: the refunds merchants made, settling one now with a chosen outcome, and how
 * future refunds behave (how long they stay PROCESSING, and whether they succeed, end ABNORMAL
 * — the user's card was cancelled — or CLOSED).
 */
export function refundControlRoutes(app: FastifyInstance, ctx: Pick<SimContext, 'refunds'>): void {
  const behaviour = () => ({
    settleDelayMs: ctx.refunds.settleDelayMs,
    nextOutcome: ctx.refunds.nextOutcome,
  });

  app.get('/refunds', async (request) => {
    const query = ControlInput.query(request);
    const status = query.choice('status', STATUSES);
    return ctx.refunds
      .list(query.string('mchid'))
      .filter((refund) => !status || refund.status === status)
      .map(refundView);
  });

  app.get('/refunds/behaviour', async () => behaviour());

  app.put('/refunds/behaviour', async (request) => {
    const input = ControlInput.body(request);
    const settleDelayMs = input.integer('settleDelayMs', { min: 0, max: MAX_SETTLE_DELAY_MS });
    const nextOutcome = input.choice('nextOutcome', OUTCOMES);
    if (settleDelayMs !== undefined) ctx.refunds.settleDelayMs = settleDelayMs;
    if (nextOutcome !== undefined) ctx.refunds.nextOutcome = nextOutcome;
    return behaviour();
  });

  app.post<SettleParams>('/refunds/:mchid/:outRefundNo/settle', async (request) => {
    const { mchid, outRefundNo } = request.params;
    const refund = ctx.refunds.find(mchid, outRefundNo);
    if (!refund) throw notFound(`refund ${outRefundNo} of merchant ${mchid}`);
    const input = ControlInput.body(request);
    const outcome = input.choice('outcome', OUTCOMES);
    if (refund.status !== 'PROCESSING' && !(refund.status === 'ABNORMAL' && outcome !== 'ABNORMAL')) {
      throw new ControlError(409, 'REFUND_SETTLED', `refund ${outRefundNo} already ended ${refund.status}`);
    }
    // `silent`: settled with no notification, a difference for the daily reconciliation to find.
    return refundView(ctx.refunds.settle(refund, outcome, { silent: input.boolean('silent') === true }));
  });
}
