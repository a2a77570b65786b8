import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics, in a registry of its own so two services in one process (tests)
 * do not collide. Order counters are moved by the metered repository, so every path that changes an
 * order — route, notification, job — is counted once.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly ordersCreated: Counter<'api_version'>;
  readonly ordersPaid: Counter<'api_version'>;
  readonly ordersClosed: Counter<'api_version'>;
  readonly notificationSeconds: Histogram<'api_version' | 'outcome'>;
  /** Refunds entering each state (PENDING when requested); ABNORMAL ones need a person. */
  readonly refunds: Counter<'state'>;
  /** Requests refused with 429, by limit (`orders`, `auth`, `notify`). */
  readonly rateLimited: Counter<'limit'>;
  /** Read when scraped; the HTTP app points it at its open SSE streams. */
  openStreams: () => number = () => 0;
  /** Read when scraped: reconciliation differences nobody has dealt with (alert when above 0). */
  openDiscrepancies: () => Promise<number> = async () => 0;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.ordersCreated = new Counter({
      name: 'orders_created_total',
      help: 'Orders created',
      labelNames: ['api_version'],
      registers,
    });
    this.ordersPaid = new Counter({
      name: 'orders_paid_total',
      help: 'Orders that became PAID',
      labelNames: ['api_version'],
      registers,
    });
    this.ordersClosed = new Counter({
      name: 'orders_closed_total',
      help: 'Orders that became CLOSED',
      labelNames: ['api_version'],
      registers,
    });
    this.notificationSeconds = new Histogram({
      name: 'notification_handling_seconds',
      help: 'Time to verify, apply and answer a WeChat payment notification',
      labelNames: ['api_version', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.refunds = new Counter({
      name: 'wxpay_refunds_total',
      help: 'Refunds that entered a state (counted once, when the conditional update won)',
      labelNames: ['state'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'wxpay_rate_limited_total',
      help: 'Requests answered 429 by a rate limit',
      labelNames: ['limit'],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'sse_streams_open',
      help: 'Browsers currently waiting on an order event stream',
      registers,
      collect() {
        this.set(metrics.openStreams());
      },
    });
    new Gauge({
      name: 'reconciliation_discrepancies_open',
      help: 'Differences between WeChat bills and the records here that need a person',
      registers,
      async collect() {
        this.set(await metrics.openDiscrepancies());
      },
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
