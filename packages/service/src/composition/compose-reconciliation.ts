import { type Database, KyselyReconciliationStore } from '../adapters/persistence/index.js';
import { sdkBillSource, type WechatClients } from '../adapters/wechat/index.js';
import { DEFAULT_RECONCILIATION, type ReconciliationConfig } from '../config/reconciliation-config.js';
import type { ReconciliationStore } from '../domain/index.js';
import type { Job } from '../jobs/index.js';
import {
  type PaymentDeps,
  ReconcileDay,
  type ReconcileOrder,
  type ReconcileRefund,
  type ReconciliationUseCases,
  type RefundDeps,
  ScheduleReconciliation,
  ViewReconciliations,
} from '../use-cases/index.js';

export interface ComposedReconciliation {
  store: ReconciliationStore;
  useCases: ReconciliationUseCases;
  /** Puts the daily run on the calendar (at start-up); a no-op when reconciliation is off. */
  schedule(): Promise<void>;
  /** The `reconcile-day` job: that day's run, then the next day's job. */
  runJob(job: Job): Promise<void>;
}

/** Daily reconciliation: the bill source over the SDK clients, the store, the use cases and the schedule. */
export function composeReconciliation(input: {
  config: ReconciliationConfig | undefined;
  database: Database;
  wechat: WechatClients;
  payments: PaymentDeps;
  refunds: Pick<RefundDeps, 'refunds'>;
  reconcileOrder: ReconcileOrder;
  reconcileRefund: ReconcileRefund;
}): ComposedReconciliation {
  const config = input.config ?? DEFAULT_RECONCILIATION;
  const { payments } = input;
  const store = new KyselyReconciliationStore(input.database.db);
  const reconcileDay = new ReconcileDay(
    {
      store,
      bills: sdkBillSource(input.wechat),
      orders: payments.orders,
      refunds: input.refunds.refunds,
      jobs: payments.jobs,
      clock: payments.clock,
      webhooks: payments.webhooks,
      logger: payments.logger,
    },
    { reconcileOrder: input.reconcileOrder, reconcileRefund: input.reconcileRefund },
    { feeRateBasisPoints: config.feeRateBasisPoints },
  );
  const scheduler = new ScheduleReconciliation({ jobs: payments.jobs, clock: payments.clock }, config.runAt);
  return {
    store,
    useCases: {
      reconcileDay,
      viewReconciliations: new ViewReconciliations({ store, clock: payments.clock }),
    },
    async schedule() {
      if (config.enabled) await scheduler.execute();
    },
    async runJob(job) {
      const date = typeof job.payload.date === 'string' ? job.payload.date : job.key.slice(0, 10);
      await reconcileDay.execute({ date });
      if (config.enabled) await scheduler.execute();
    },
  };
}
