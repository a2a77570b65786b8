import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCiRun, MissingTestServiceError, skipReasonFor } from './required-service.js';

describe('missing test services: skip locally, fail under CI', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'TRUE' }, true],
    [{ CI: 'woodpecker' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('isCiRun(%o) is %s', (env, expected) => {
    expect(isCiRun(env)).toBe(expected);
  });

  it('a service that is there runs its suites, CI or not', () => {
    expect(skipReasonFor('PostgreSQL', undefined, { CI: 'true' })).toBeUndefined();
    expect(skipReasonFor('PostgreSQL', undefined, {})).toBeUndefined();
  });

  it('outside CI a missing service skips its suites and says why, once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const reason = skipReasonFor('Redis', 'connect ECONNREFUSED 127.0.0.1:6379', {});
    expect(reason).toBe('Redis unavailable: connect ECONNREFUSED 127.0.0.1:6379');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(reason);
  });

  it('under CI a missing service fails, naming the service, the problem and the way out', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const call = () => skipReasonFor('Chromium', '/usr/bin/chromium does not exist', { CI: 'true' });
    expect(call).toThrow(MissingTestServiceError);
    expect(call).toThrow(/^Chromium unavailable: \/usr\/bin\/chromium does not exist\. With CI=true .* fail/);
    expect(warn).not.toHaveBeenCalled();
  });
});
