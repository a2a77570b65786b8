/** A suite's fixtures as its tests read them, and how its hooks fill them in. */
export interface HookFixtures<T extends object> {
  /** Handed to the tests when `describe` runs; holds each fixture once its hook has run. */
  readonly view: T;
  /** What the hooks have made so far, for cleanup that must not fail over what was never made. */
  readonly made: Partial<T>;
  fill(values: Partial<T>): void;
}

/**
 * Fixtures made by `beforeAll`/`beforeEach` hooks for tests to read. A suite must hand its tests
 * something while `describe` runs, before any hook has; reading a fixture whose hook has not run
 * fails naming it, instead of yielding an undefined that fails somewhere else.
 */
export function hookFixtures<T extends object>(): HookFixtures<T> {
  const made: Partial<T> = {};
  const view = new Proxy(made, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver);
      throw new Error(`"${key}" is only there once the hook that makes it has run`);
    },
  }) as T;
  return { view, made, fill: (more) => Object.assign(made, more) };
}
