import { afterAll, beforeAll } from 'vitest';

/**
 * Registers hooks that start something before the tests of the enclosing scope (the file, or the
 * `describe` it is called in) and stop it after them. The handle exists while the scope is declared,
 * before the thing itself does, so it forwards every read to the running one.
 */
export function useStarted<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (running: T) => Promise<void>,
): T {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    if (running) await stop(running);
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!running) throw new Error(`the ${what} is only there once the suite has started`);
      return Reflect.get(running, key);
    },
  });
}
