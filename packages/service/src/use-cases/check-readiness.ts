import type { HealthCheck } from '../domain/index.js';

/** One check of `/health/ready`, named as the answer names it. */
export type ReadinessCheckName = 'database' | 'migrations' | 'shutdown';

export interface CheckReadinessOutput {
  ready: boolean;
  checks: {
    database: 'up' | 'down';
    /** `unknown` when the database did not answer, so the migration table could not be read. */
    migrations: 'applied' | 'missing' | 'unknown';
    shutdown: 'no' | 'in-progress';
  };
  /** The checks that failed, in the order above; empty when ready. */
  failed: ReadinessCheckName[];
}

/**
 * Readiness, as opposed to liveness: whether a load balancer should send this instance traffic.
 * Ready means the database answers, every migration this build knows has been applied, and the
 * instance is not shutting down; an instance that has begun to stop answers 503 at once, so it is
 * taken out of rotation while it finishes what it holds.
 */
export class CheckReadiness {
  readonly #health: HealthCheck;
  readonly #stopping: () => boolean;

  constructor(health: HealthCheck, stopping: () => boolean = () => false) {
    this.#health = health;
    this.#stopping = stopping;
  }

  async execute(): Promise<CheckReadinessOutput> {
    const stopping = this.#stopping();
    const up = await this.#health.ping().catch(() => false);
    const migrations = up ? await this.#migrations() : 'unknown';
    const checks = {
      database: up ? 'up' : 'down',
      migrations,
      shutdown: stopping ? 'in-progress' : 'no',
    } as const;
    const failed: ReadinessCheckName[] = [];
    if (!up) failed.push('database');
    if (migrations !== 'applied') failed.push('migrations');
    if (stopping) failed.push('shutdown');
    return { ready: failed.length === 0, checks, failed };
  }

  async #migrations(): Promise<CheckReadinessOutput['checks']['migrations']> {
    try {
      return (await this.#health.migrationsApplied()) ? 'applied' : 'missing';
    } catch {
      return 'unknown';
    }
  }
}
