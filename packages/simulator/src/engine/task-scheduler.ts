import type { SimClock } from './sim-clock.js';

interface Task {
  dueAt: number;
  run: () => void;
}

/**
 * Runs callbacks at simulated times. One real timer is armed for the earliest task; moving the
 * clock re-checks at once, which is how a day of WeChat's retry schedule passes in a test.
 */
export class TaskScheduler {
  readonly #clock: SimClock;
  #tasks: Task[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #unsubscribe: () => void;

  constructor(clock: SimClock) {
    this.#clock = clock;
    this.#unsubscribe = clock.onAdvance(() => this.#runDue());
  }

  /** Runs `run` once the simulated clock reaches `dueAt` (ms). */
  at(dueAt: number, run: () => void): void {
    if (this.#stopped) return;
    // Binary insertion keeps the queue ordered in O(log n) comparisons; thousands of retries can be pending.
    let lo = 0;
    let hi = this.#tasks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#tasks[mid]!.dueAt <= dueAt) lo = mid + 1;
      else hi = mid;
    }
    this.#tasks.splice(lo, 0, { dueAt, run });
    if (lo === 0) this.#arm();
  }

  /** Number of tasks not yet run (notifications waiting for a retry, refunds in progress). */
  get pending(): number {
    return this.#tasks.length;
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
    if (this.#timer) clearTimeout(this.#timer);
    this.#tasks = [];
  }

  #runDue(): void {
    const now = this.#clock.now();
    while (this.#tasks.length > 0 && this.#tasks[0]!.dueAt <= now) {
      const task = this.#tasks.shift()!;
      try {
        task.run();
      } catch {
        // a task reports its own failures; one failing must not stop the others
      }
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#tasks[0];
    if (!next || this.#stopped) return;
    const delay = Math.max(0, Math.min(next.dueAt - this.#clock.now(), 2 ** 31 - 1));
    this.#timer = setTimeout(() => this.#runDue(), delay);
    this.#timer.unref();
  }
}
