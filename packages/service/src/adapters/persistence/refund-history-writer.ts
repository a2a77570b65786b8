import type { CompiledQuery, Kysely } from 'kysely';
import type { RefundHistoryEntry } from '../../domain/refund.js';
import type { DatabaseSchema } from './database-schema.js';
import { refundRowMapper } from './refund-row-mapper.js';

/**
 * The one writer of `refund_history`: the row of a refund's creation and of each of its
 * transitions, returned compiled to run in the transaction of the change it records.
 */
export function refundHistoryInsert(db: Kysely<DatabaseSchema>, entry: RefundHistoryEntry): CompiledQuery {
  return db.insertInto('refund_history').values(refundRowMapper.fromHistoryEntry(entry)).compile();
}
