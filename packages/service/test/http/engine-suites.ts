import { afterAll, beforeAll, describe } from 'vitest';
import { postgresSkipReason, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';

const pgSkip = await postgresSkipReason();

/** Declares `suite` on SQLite, and on PostgreSQL unless that server cannot be reached (skipped, with why). */
export function describeOnEngines(title: string, suite: (engine: TestEngine) => void): void {
  describe(`${title} on SQLite`, () => suite('sqlite'));
  describe.skipIf(pgSkip !== undefined)(`${title} on PostgreSQL`, () => suite('postgres'));
}

/** Rate limits off: suites that send hundreds of bad requests on purpose test input, not limits. */
export const NO_RATE_LIMITS = {
  orders: { max: 0, windowMs: 60_000 },
  authFailures: { max: 0, windowMs: 60_000 },
  notifyFailures: { max: 0, windowMs: 60_000 },
};

/** The demo (service + simulator, a throw-away database of `engine`) for one suite, handed over through `use`. */
export function useTestDemo(
  engine: TestEngine,
  use: (demo: TestDemo) => void,
  options?: Parameters<typeof startTestDemo>[1],
): void {
  let demo: TestDemo | undefined;
  beforeAll(async () => {
    demo = await startTestDemo(engine, options);
    use(demo);
  });
  afterAll(async () => {
    await demo?.cleanup();
  });
}
