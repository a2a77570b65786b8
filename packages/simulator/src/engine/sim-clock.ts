/**
 * The simulator's clock: real time plus an offset that the control API can move forward. Order
 * expiry, `code_url` lifetimes, token lifetimes and notification retries all read this clock, so a
 * test can jump two hours ahead instead of waiting for them.
 */
export class SimClock {
  #offsetMs: number;
  readonly #listeners = new Set<() => void>();

  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the clock forward; anything due in between (retries, refunds) runs right away. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.#offsetMs += ms;
    for (const listener of this.#listeners) listener();
  }

  onAdvance(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
