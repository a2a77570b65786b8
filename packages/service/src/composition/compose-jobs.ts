import { hostname } from 'node:os';
import type { Database } from '../adapters/persistence/index.js';
import type { ServiceConfig } from '../config/service-config.js';
import {
  type Clock,
  FULFIL_JOB,
  MICROPAY_JOB,
  type MicropayJobPayload,
  WEBHOOK_DELIVERY_JOB,
  WEBHOOK_EVENT_JOB,
} from '../domain/index.js';
import { backoffByType, type Job, JobRunner } from '../jobs/index.js';
import { CLOSE_RETRY_MAX_MS, RECONCILE_DAY_JOB, REFUND_QUERY_JOB } from '../use-cases/index.js';
import type { ComposedPayments } from './compose-payments.js';
import type { ComposedWebhooks } from './compose-webhooks.js';

/** How long a dead instance's micropay job stays locked before another instance takes it. */
export const MICROPAY_LOCK_MS = 5_000;

export interface JobsInput {
  config: ServiceConfig;
  database: Database;
  clock: Clock;
  payments: ComposedPayments['useCases'];
  runRefundQuery(job: Job): Promise<void>;
  webhooks: ComposedWebhooks;
  /** The `reconcile-day` job's handler. */
  reconcileDay(job: Job): Promise<void>;
  pollIntervalMs?: number;
  lockMs?: number;
}

/** The durable job runner, one handler per job type, each the use case that job stands for. */
export function composeJobs(input: JobsInput): JobRunner {
  const { payments } = input;
  return new JobRunner({
    db: input.database.db,
    dialect: input.database.dialect,
    clock: input.clock,
    workerId: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    pollIntervalMs: input.pollIntervalMs,
    ...(input.lockMs !== undefined ? { lockMs: input.lockMs } : {}),
    // A customer waits at the till while a payment code settles: after a crash another instance
    // takes the job within 5 s, not the 30 s every other job may wait.
    lockMsByType: { [MICROPAY_JOB]: MICROPAY_LOCK_MS },
    concurrency: input.config.jobConcurrency,
    // Deliveries are retried for 25 h: at most an hour apart, so an endpoint back up is served soon.
    // A payment code not yet settled holds a customer at the till: retried within 10 s at most.
    backoff: backoffByType({
      'close-expired': CLOSE_RETRY_MAX_MS,
      [WEBHOOK_DELIVERY_JOB]: 3_600_000,
      [MICROPAY_JOB]: 10_000,
    }),
    handlers: {
      'close-expired': async (job) => {
        await payments.closeExpired.execute({ orderNo: job.key });
      },
      reconcile: async (job) => {
        const attempt = typeof job.payload.attempt === 'number' ? job.payload.attempt : undefined;
        await payments.reconcile.execute({ orderNo: job.key, attempt });
      },
      [REFUND_QUERY_JOB]: (job) => input.runRefundQuery(job),
      [FULFIL_JOB]: async (job) => {
        await payments.fulfilOrder.execute({ orderNo: job.key });
      },
      [MICROPAY_JOB]: async (job) => {
        await payments.collectPaymentCode.execute(job.payload as unknown as MicropayJobPayload, job);
      },
      [WEBHOOK_EVENT_JOB]: (job) => input.webhooks.publish(job),
      [RECONCILE_DAY_JOB]: (job) => input.reconcileDay(job),
      [WEBHOOK_DELIVERY_JOB]: (job) => input.webhooks.deliver(job),
    },
  });
}
