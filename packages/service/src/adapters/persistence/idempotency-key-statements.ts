import type { CompiledQuery, Kysely } from 'kysely';
import type { IdempotencyClaim } from '../../domain/merchant-order.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './instant-columns.js';

/**
 * The statements an order written with an idempotency key runs in its own transaction. `claim` is
 * the conditional insert: a new key, or one whose earlier claim has expired, is taken (one row
 * returned); a live claim is left as it is (no row), and then the order is not written either. On
 * PostgreSQL a racing claim waits for the first one's transaction and then finds the key taken.
 * `forgetExpired` keeps the table to the keys still live.
 */
export function idempotencyStatements(
  db: Kysely<DatabaseSchema>,
  claim: IdempotencyClaim,
  orderNo: string,
  now: Date,
): { claim: CompiledQuery; forgetExpired: CompiledQuery } {
  const nowMs = toMillis(now);
  return {
    claim: db
      .insertInto('idempotency_keys')
      .values({
        scope: claim.scope,
        key: claim.key,
        fingerprint: claim.fingerprint,
        order_no: orderNo,
        created_at: toMillis(claim.createdAt),
        expires_at: toMillis(claim.expiresAt),
      })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            order_no: eb.ref('excluded.order_no'),
            created_at: eb.ref('excluded.created_at'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where('idempotency_keys.expires_at', '<=', nowMs),
      )
      .returning('order_no')
      .compile(),
    forgetExpired: db.deleteFrom('idempotency_keys').where('expires_at', '<=', nowMs).compile(),
  };
}
