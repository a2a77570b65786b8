import {
  addChinaDays,
  type Clock,
  chinaDate,
  chinaTimeOn,
  type JobQueue,
  type NewJob,
} from '../domain/index.js';
import { RECONCILE_DAY_JOB } from './reconcile-day.js';

/**
 * Keeps the daily reconciliation on the calendar: a durable job per China day, run the next day at
 * the configured time. Called at start-up and after every day's run; the job queue keeps one
 * pending job per day, so calling it again (other instances, restarts) schedules nothing twice,
 * and a day whose time passed while the service was down is reconciled as soon as it is back.
 */
export class ScheduleReconciliation {
  readonly #deps: { jobs: JobQueue; clock: Clock };
  readonly #runAt: { hour: number; minute: number };

  constructor(deps: { jobs: JobQueue; clock: Clock }, runAt: { hour: number; minute: number }) {
    this.#deps = deps;
    this.#runAt = runAt;
  }

  /** Schedules the latest day whose run time has come (due now) and the day after it. */
  async execute(): Promise<{ due: string; next: string }> {
    const now = this.#deps.clock.now();
    const today = chinaDate(now);
    const due =
      this.runTimeOf(addChinaDays(today, -1)) <= now ? addChinaDays(today, -1) : addChinaDays(today, -2);
    const next = addChinaDays(due, 1);
    await this.#deps.jobs.enqueue(this.#job(due));
    await this.#deps.jobs.enqueue(this.#job(next));
    return { due, next };
  }

  /** When the bill of `date` is reconciled: the configured time on the following China day. */
  runTimeOf(date: string): Date {
    return chinaTimeOn(addChinaDays(date, 1), this.#runAt.hour, this.#runAt.minute);
  }

  #job(date: string): NewJob {
    return { type: RECONCILE_DAY_JOB, key: date, runAt: this.runTimeOf(date), payload: { date } };
  }
}
