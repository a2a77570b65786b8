/**
 * The policy of required-service.ts as the real suites apply it: vitest itself is run on suites
 * that need PostgreSQL, Redis or Chromium, with that service pointed at a closed port or a missing
 * binary. Outside CI they are skipped, each with an entry naming why; with CI=true the run fails.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const TOKEN_CACHE_SUITE = 'packages/service/test/platform/token-cache.test.ts';
const BROWSER_SUITE = 'packages/simulator/test/control/phone-page.e2e.test.ts';
const CLOSED_POSTGRES = 'postgres://postgres@127.0.0.1:9/test';
const CLOSED_REDIS = 'redis://127.0.0.1:9';

interface Run {
  code: number;
  output: string;
}

/** Runs vitest on `file` in a clean child process with `env` on top of this one's (minus vitest's own). */
function vitest(file: string, env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'CI'),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        fileURLToPath(new URL('node_modules/vitest/vitest.mjs', `file://${root}`)),
        'run',
        file,
        '--reporter=verbose',
      ],
      { cwd: root, env: { ...base, NO_COLOR: '1', ...env }, timeout: 60_000, maxBuffer: 10_000_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('suites needing a missing service', () => {
  it('outside CI are skipped, each variant with an entry saying why (none disappears)', async () => {
    const run = await vitest(TOKEN_CACHE_SUITE, {
      TEST_DATABASE_URL: CLOSED_POSTGRES,
      TEST_REDIS_URL: CLOSED_REDIS,
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(
      /database \(postgres\) > skipped: PostgreSQL unavailable: unreachable at postgres:/,
    );
    expect(run.output).toMatch(
      /redis > skipped: Redis unavailable: unreachable at redis:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/,
    );
    expect(run.output).toMatch(/database \(sqlite\) > shares entries/);
  }, 90_000);

  it('with CI=true fail the run, naming the missing service', async () => {
    const [postgres, redis, chromium] = await Promise.all([
      vitest(TOKEN_CACHE_SUITE, { CI: 'true', TEST_DATABASE_URL: CLOSED_POSTGRES }),
      vitest(TOKEN_CACHE_SUITE, { CI: 'true', TEST_REDIS_URL: CLOSED_REDIS }),
      vitest(BROWSER_SUITE, { CI: 'true', TEST_CHROMIUM: '/nonexistent/chromium' }),
    ]);
    expect(postgres.code, postgres.output).not.toBe(0);
    expect(postgres.output).toMatch(/MissingTestServiceError: PostgreSQL unavailable: .* With CI=true/);
    expect(redis.code, redis.output).not.toBe(0);
    expect(redis.output).toMatch(/MissingTestServiceError: Redis unavailable: .*ECONNREFUSED.* With CI=true/);
    expect(chromium.code, chromium.output).not.toBe(0);
    expect(chromium.output).toMatch(
      /MissingTestServiceError: Chromium unavailable: \/nonexistent\/chromium does not exist/,
    );
  }, 90_000);
});
