import type { SimClock } from '../engine/sim-clock.js';
import type { TaskScheduler } from '../engine/task-scheduler.js';

/**
 * The "reorder" fault: callbacks that start within one window are held together and then handed
 * back newest first, as when a later payment's notification overtakes an earlier one. The window
 * runs on the simulated clock, so a test can close it by advancing the clock.
 */
export class ReorderBuffer<T> {
  readonly #scheduler: TaskScheduler;
  readonly #clock: SimClock;
  readonly #release: (newestFirst: T[]) => void;
  #held: T[] = [];

  constructor(scheduler: TaskScheduler, clock: SimClock, release: (newestFirst: T[]) => void) {
    this.#scheduler = scheduler;
    this.#clock = clock;
    this.#release = release;
  }

  /** Holds `item`; the first item of a batch opens a window of `windowMs`. */
  hold(item: T, windowMs: number): void {
    this.#held.push(item);
    if (this.#held.length === 1) this.#scheduler.at(this.#clock.now() + windowMs, () => this.#flush());
  }

  #flush(): void {
    const batch = this.#held.reverse();
    this.#held = [];
    this.#release(batch);
  }
}
