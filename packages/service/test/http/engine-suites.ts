import { afterAll, beforeAll, describe } from 'vitest';
import { postgresSkipReason, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';

const pgSkip = await postgresSkipReason();

/** Declares `suite` on SQLite, and on PostgreSQL unless that server cannot be reached (skipped, with why). */
export function describeOnEngines(title: string, suite: (engine: TestEngine) => void): void {
  describe(`${title} on SQLite`, () => suite('sqlite'));
  describe.skipIf(pgSkip !== undefined)(`${title} on PostgreSQL`, () => suite('postgres'));
}

/** The demo (service + simulator, a throw-away database of `engine`) for one suite, handed over through `use`. */
export function useTestDemo(engine: TestEngine, use: (demo: TestDemo) => void): void {
  let demo: TestDemo | undefined;
  beforeAll(async () => {
    demo = await startTestDemo(engine);
    use(demo);
  });
  afterAll(async () => {
    await demo?.cleanup();
  });
}
