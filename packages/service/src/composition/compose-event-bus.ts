import { InProcessEventBus, PgEventBus } from '../adapters/events/index.js';
import type { Database } from '../adapters/persistence/index.js';
import type { EventBus } from '../domain/index.js';
import type { UseCaseLogger } from '../use-cases/index.js';

export interface ComposedEventBus {
  events: EventBus;
  close(): Promise<void>;
}

/**
 * Order events: several instances on one PostgreSQL database must see each other's events
 * (LISTEN/NOTIFY); SQLite is one process, so in-process. Started here; a failed start throws.
 */
export async function composeEventBus(
  databaseUrl: string | undefined,
  database: Database,
  log: () => UseCaseLogger,
): Promise<ComposedEventBus> {
  if (!databaseUrl) return { events: new InProcessEventBus(), close: async () => {} };
  const shared = new PgEventBus({
    connectionString: databaseUrl,
    db: database.db,
    onError: (error) =>
      log().warn(
        { err: error instanceof Error ? error.message : String(error) },
        'order events: PostgreSQL LISTEN/NOTIFY problem (cross-instance events may be late)',
      ),
  });
  await shared.start();
  return { events: shared, close: () => shared.close() };
}
