import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  WebhookEndpoint,
  WebhookEndpointChanges,
  WebhookEndpointInfo,
  WebhookEndpointStore,
  WebhookEventType,
} from '../../domain/index.js';
import type { DatabaseSchema, WebhookEndpointsTable } from './database-schema.js';
import { toMillis } from './instant-columns.js';
import type { SecretBox } from './secret-box.js';

/**
 * The admin's webhook endpoints in the service's database (both engines). Secrets go through the
 * secret box on the way in and out; no read for the admin selects them.
 */
export class KyselyWebhookEndpointStore implements WebhookEndpointStore {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #box: SecretBox;

  constructor(db: Kysely<DatabaseSchema>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  async list(): Promise<WebhookEndpointInfo[]> {
    const rows = await this.#db
      .selectFrom('webhook_endpoints')
      .select(INFO_COLUMNS)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toInfo);
  }

  async find(id: string): Promise<WebhookEndpointInfo | undefined> {
    const row = await this.#db
      .selectFrom('webhook_endpoints')
      .select(INFO_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toInfo(row);
  }

  async create(
    endpoint: {
      id: string;
      url: string;
      events: readonly WebhookEventType[];
      description: string;
      secret: string;
    },
    at: Date,
  ): Promise<WebhookEndpointInfo> {
    const row = await this.#db
      .insertInto('webhook_endpoints')
      .values({
        id: endpoint.id,
        url: endpoint.url,
        events: JSON.stringify(endpoint.events),
        description: endpoint.description,
        enabled: 1,
        secret: this.#box.seal(endpoint.secret),
        created_at: toMillis(at),
        updated_at: toMillis(at),
      })
      .returning(INFO_COLUMNS)
      .executeTakeFirstOrThrow();
    return toInfo(row);
  }

  async update(
    id: string,
    changes: WebhookEndpointChanges,
    at: Date,
  ): Promise<WebhookEndpointInfo | undefined> {
    const set: Updateable<WebhookEndpointsTable> = { updated_at: toMillis(at) };
    if (changes.url !== undefined) set.url = changes.url;
    if (changes.events !== undefined) set.events = JSON.stringify(changes.events);
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
    const row = await this.#db
      .updateTable('webhook_endpoints')
      .set(set)
      .where('id', '=', id)
      .returning(INFO_COLUMNS)
      .executeTakeFirst();
    return row && toInfo(row);
  }

  async rotateSecret(
    id: string,
    secret: string,
    at: Date,
    previousUntil: Date,
  ): Promise<WebhookEndpointInfo | undefined> {
    // One statement: the column on the right is the secret before this UPDATE, in both engines.
    const row = await this.#db
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        previous_secret: eb.ref('secret'),
        previous_secret_until: toMillis(previousUntil),
        secret: this.#box.seal(secret),
        secret_rotated_at: toMillis(at),
        updated_at: toMillis(at),
      }))
      .where('id', '=', id)
      .returning(INFO_COLUMNS)
      .executeTakeFirst();
    return row && toInfo(row);
  }

  async signing(now: Date): Promise<WebhookEndpoint[]> {
    const rows = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('enabled', '=', 1)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => {
      const overlapping =
        row.previous_secret !== null &&
        row.previous_secret_until !== null &&
        Number(row.previous_secret_until) > now.getTime();
      return {
        id: row.id,
        url: row.url,
        secret: this.#box.open(row.secret),
        ...(overlapping ? { retiringSecrets: [this.#box.open(row.previous_secret!)] } : {}),
        events: JSON.parse(row.events) as WebhookEventType[],
      };
    });
  }
}

const INFO_COLUMNS = [
  'id',
  'url',
  'events',
  'description',
  'enabled',
  'previous_secret_until',
  'secret_rotated_at',
  'created_at',
  'updated_at',
] as const;

type InfoRow = Pick<Selectable<WebhookEndpointsTable>, (typeof INFO_COLUMNS)[number]>;

function toInfo(row: InfoRow): WebhookEndpointInfo {
  const instant = (ms: number | null) => (ms === null ? undefined : new Date(Number(ms)));
  const rotatedAt = instant(row.secret_rotated_at);
  const previousUntil = instant(row.previous_secret_until);
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    enabled: Number(row.enabled) === 1,
    readOnly: false,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    ...(rotatedAt ? { secretRotatedAt: rotatedAt } : {}),
    ...(previousUntil ? { previousSecretUntil: previousUntil } : {}),
  };
}
