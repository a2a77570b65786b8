/**
 * What a test suite does when a service it needs (PostgreSQL, Redis, Chromium) is not there.
 * On a developer's machine the suites that need it are skipped, with a message saying why; in CI
 * (`CI` set to anything but `0`/`false`) the run fails instead, because a skipped suite there
 * means untested code shipped as green.
 */

/** Whether `env` describes a CI run, where missing test services are an error. */
export function isCiRun(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Thrown under CI when a service the tests need is missing. */
export class MissingTestServiceError extends Error {
  override readonly name = 'MissingTestServiceError';
}

/**
 * Decides about a missing `service`: `problem` is why it cannot be used (`undefined` when it can).
 * Returns `undefined` (run the suites) or the skip reason, already printed; under CI throws
 * {@link MissingTestServiceError} instead, which fails every test file that needs the service.
 */
export function skipReasonFor(
  service: string,
  problem: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (problem === undefined) return undefined;
  const reason = `${service} unavailable: ${problem}`;
  if (isCiRun(env)) {
    throw new MissingTestServiceError(
      `${reason}. With CI=${env.CI} the suites that need ${service} fail instead of being skipped: start it (.ci/run does) or unset CI`,
    );
  }
  console.warn(`skipping the ${service} suites — ${reason}`);
  return reason;
}
