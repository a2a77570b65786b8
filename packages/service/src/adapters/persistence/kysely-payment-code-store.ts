import type { Kysely } from 'kysely';
import { MICROPAY_JOB, type MicropayJobPayload, type PaymentCodeStore } from '../../domain/index.js';
import type { DatabaseSchema } from './database-schema.js';

/**
 * The payment code's only resting place: the payload of its order's `micropay` job, rewritten as
 * the procedure moves on — marked started before the pay call, the code dropped once that call
 * was answered (also on a job already done, so no finished job keeps a code).
 */
export class KyselyPaymentCodeStore implements PaymentCodeStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async save(payload: MicropayJobPayload): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ payload: JSON.stringify(payload) })
      .where('type', '=', MICROPAY_JOB)
      .where('key', '=', payload.orderNo)
      .execute();
  }
}
