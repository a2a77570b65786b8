import type { V3Refund, V3RefundParams, V3Transport } from './v3-types.js';
import { assertOutRefundNo, validateRefund } from './v3-validators.js';

/**
 * `/v3/refund/domestic/refunds`. Creating is retried on transient failures: WeChat deduplicates by
 * `out_refund_no`, so the same refund is never paid out twice.
 */
export class RefundsResource {
  readonly #transport: V3Transport;

  constructor(transport: V3Transport) {
    this.#transport = transport;
  }

  /** Starts a refund; the answer is usually `PROCESSING`, the outcome comes by notification or query. */
  async create(params: V3RefundParams): Promise<V3Refund> {
    validateRefund(params);
    return this.#transport.request('POST', '/v3/refund/domestic/refunds', {
      body: { ...params, amount: { ...params.amount, currency: params.amount.currency ?? 'CNY' } },
      idempotent: true,
    });
  }

  /** The refund's current state; refunds to bank cards can stay PROCESSING for days. */
  async query(outRefundNo: string): Promise<V3Refund> {
    assertOutRefundNo(outRefundNo);
    return this.#transport.request('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`, {
      idempotent: true,
    });
  }
}
