import type { Kysely, Selectable } from 'kysely';
import type {
  WebhookAttempt,
  WebhookAttemptRecord,
  WebhookDelivery,
  WebhookDeliveryLog,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookEventType,
} from '../../domain/index.js';
import type { DatabaseSchema, WebhookDeliveriesTable } from './database-schema.js';
import { toMillis } from './row-mapper.js';

const MAX_LIST = 500;
const MAX_ERROR = 500;

/** The webhook log in the service's database (both engines). */
export class KyselyWebhookDeliveryLog implements WebhookDeliveryLog {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async open(
    delivery: { id: string; subject: string; endpointId: string; event: WebhookEvent },
    at: Date,
  ): Promise<void> {
    const { event } = delivery;
    await this.#db
      .insertInto('webhook_deliveries')
      .values({
        id: delivery.id,
        event_id: event.id,
        event_type: event.type,
        subject: delivery.subject,
        endpoint_id: delivery.endpointId,
        payload: JSON.stringify({ ...event, createdAt: event.createdAt.toISOString() }),
        status: 'pending',
        attempts: 0,
        created_at: toMillis(at),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async recordAttempt(
    id: string,
    attempt: WebhookAttempt,
    outcome: { status: WebhookDeliveryStatus; at: Date; manual: boolean },
  ): Promise<void> {
    const at = toMillis(outcome.at);
    const error = attempt.error?.slice(0, MAX_ERROR) ?? null;
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: id,
          at,
          http_status: attempt.httpStatus ?? null,
          error,
          duration_ms: attempt.durationMs,
          manual: outcome.manual ? 1 : 0,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_http_status: attempt.httpStatus ?? null,
          last_error: error,
          last_attempt_at: at,
          // A delivered event stays delivered: a late failure of another attempt changes nothing.
          status: eb.case().when('status', '=', 'delivered').then('delivered').else(outcome.status).end(),
          ...(outcome.status === 'delivered' ? { delivered_at: at } : {}),
        }))
        .where('id', '=', id)
        .execute();
    });
  }

  async list(filter: { status?: WebhookDeliveryStatus; limit?: number } = {}): Promise<WebhookDelivery[]> {
    let query = this.#db.selectFrom('webhook_deliveries').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), MAX_LIST);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  async find(id: string): Promise<(WebhookDelivery & { history: WebhookAttemptRecord[] }) | undefined> {
    const row = await this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const attempts = await this.#db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', id)
      .orderBy('id')
      .execute();
    return {
      ...toDelivery(row),
      history: attempts.map((a) => ({
        at: new Date(Number(a.at)),
        acked: a.http_status !== null && a.http_status >= 200 && a.http_status < 300,
        ...(a.http_status === null ? {} : { httpStatus: a.http_status }),
        ...(a.error === null ? {} : { error: a.error }),
        durationMs: a.duration_ms,
        manual: a.manual === 1,
      })),
    };
  }
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  const event = JSON.parse(row.payload) as Omit<WebhookEvent, 'createdAt'> & { createdAt: string };
  const instant = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  return {
    id: row.id,
    eventType: row.event_type as WebhookEventType,
    subject: row.subject,
    endpointId: row.endpoint_id,
    event: { ...event, createdAt: new Date(event.createdAt) },
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    lastHttpStatus: row.last_http_status,
    lastError: row.last_error,
    lastAttemptAt: instant(row.last_attempt_at),
    deliveredAt: instant(row.delivered_at),
    createdAt: new Date(Number(row.created_at)),
  };
}
