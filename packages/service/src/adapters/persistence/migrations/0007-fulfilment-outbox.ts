import { type Kysely, sql } from 'kysely';

/**
 * Deliveries became an outbox (a `fulfil` job written with the payment). Orders paid before that
 * whose hook failed or whose process died before recording the delivery were left paid and
 * undelivered, some with no job that would ever retry them: each gets its `fulfil` job now, due at
 * once. Orders refunded in full are left alone. No schema change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = Date.now();
  await sql`
    insert into jobs (type, key, run_at, attempts, created_at, payload)
    select 'fulfil', o.order_no, ${now}, 0, ${now}, '{"orderNo":"' || o.order_no || '"}'
    from orders o
    where o.state in ('PAID', 'REFUNDING', 'PARTIALLY_REFUNDED')
      and o.fulfilled_at is null
      and not exists (
        select 1 from jobs j where j.type = 'fulfil' and j.key = o.order_no and j.done_at is null
      )`.execute(db);
}

/** The jobs it wrote are ordinary jobs; nothing to undo. */
export async function down(): Promise<void> {}
