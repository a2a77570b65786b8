import { describe, expect, it } from 'vitest';
import { DEFAULT_POS, posConfig } from '../../src/config/pos-config.js';
import { ServiceConfigError } from '../../src/config/service-config-error.js';

describe('POS configuration', () => {
  it('defaults to WeChat’s timing: a query every 5 s, reversal at 30 s', () => {
    expect(posConfig({})).toEqual(DEFAULT_POS);
    expect(DEFAULT_POS).toMatchObject({ pollMs: 5_000, deadlineMs: 30_000 });
  });

  it('takes short timings for tests and a store number', () => {
    expect(posConfig({ POS_POLL_MS: '100', POS_DEADLINE_MS: '2000', POS_STORE_ID: 'SZ-001' })).toEqual({
      pollMs: 100,
      deadlineMs: 2_000,
      storeId: 'SZ-001',
    });
  });

  it('refuses nonsense, naming the variable', () => {
    for (const [env, variable] of [
      [{ POS_POLL_MS: 'soon' }, 'POS_POLL_MS'],
      [{ POS_DEADLINE_MS: '10' }, 'POS_DEADLINE_MS'],
      [{ POS_POLL_MS: '5000', POS_DEADLINE_MS: '1000' }, 'POS_POLL_MS'],
      [{ POS_STORE_ID: 'store 1' }, 'POS_STORE_ID'],
    ] as const) {
      const error = (() => {
        try {
          posConfig(env);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ServiceConfigError);
      expect((error as ServiceConfigError).variable).toBe(variable);
    }
  });
});
