import type { HealthCheck } from '../domain/index.js';

export interface CheckHealthOutput {
  /** Whether the database answered; a load balancer takes the instance out of rotation when not. */
  database: 'up' | 'down';
}

/** Readiness for load balancers: the service is up when its database answers. */
export class CheckHealth {
  readonly #health: HealthCheck;

  constructor(health: HealthCheck) {
    this.#health = health;
  }

  async execute(): Promise<CheckHealthOutput> {
    const up = await this.#health.ping().catch(() => false);
    return { database: up ? 'up' : 'down' };
  }
}
