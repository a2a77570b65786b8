import { meteredRefundRepository } from '../adapters/metrics/index.js';
import type { Database } from '../adapters/persistence/index.js';
import { KyselyRefundRepository } from '../adapters/persistence/index.js';
import { SdkRefundGateway, type WechatClients } from '../adapters/wechat/index.js';
import type { ServiceMetrics } from '../http/service-metrics.js';
import type { Job } from '../jobs/index.js';
import {
  ApplyRefundOutcome,
  HandleRefundNotification,
  ListRefunds,
  type PaymentDeps,
  ReconcileRefund,
  type RefundDeps,
  type RefundUseCases,
  RequestRefund,
  SubmitRefund,
} from '../use-cases/index.js';

export interface ComposedRefunds {
  /** Its ports (the webhooks read refunds through them). */
  deps: RefundDeps;
  /** What the refund routes call. */
  useCases: RefundUseCases;
  /** The `refund-query` job's handler. */
  runRefundQuery(job: Job): Promise<void>;
  /** The query-and-apply a refund the daily bill shows finished goes through. */
  reconcile: ReconcileRefund;
}

/**
 * The refunds part of the composition root: the refund repository and gateway over the shared
 * database and SDK clients, and the use cases behind the refund routes and the refund-query job.
 */
export function composeRefunds(
  database: Database,
  wechat: WechatClients,
  metrics: ServiceMetrics,
  payments: Pick<
    PaymentDeps,
    'orders' | 'inbound' | 'notifications' | 'jobs' | 'events' | 'clock' | 'webhooks' | 'logger'
  >,
): ComposedRefunds {
  const deps: RefundDeps = {
    ...payments,
    refunds: meteredRefundRepository(new KyselyRefundRepository(database.db, payments.clock), metrics),
    refundGateway: new SdkRefundGateway(wechat),
  };
  const apply = new ApplyRefundOutcome(deps);
  const submit = new SubmitRefund(deps, apply);
  const reconcile = new ReconcileRefund(deps, submit, apply);
  return {
    deps,
    reconcile,
    useCases: {
      requestRefund: new RequestRefund(deps, submit),
      listRefunds: new ListRefunds(deps),
      handleRefundNotification: new HandleRefundNotification(deps, apply),
    },
    async runRefundQuery(job) {
      const { refundNo, attempt } = job.payload;
      await reconcile.execute({
        refundNo: typeof refundNo === 'string' ? refundNo : job.key,
        attempt: typeof attempt === 'number' ? attempt : undefined,
      });
    },
  };
}
