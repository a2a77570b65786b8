/** The bench side of `service-instance.mjs`: a service instance in a child process of its own. */
import { forkChild } from './ipc-child.mjs';

/**
 * Forks an instance (with `--expose-gc`, for its memory census) and starts the service in it, as
 * `startBenchService` would in this process. `stop()` stops the service gracefully, then the child.
 */
export async function startServiceInstance(merchant, dataDir, { databaseUrl, schema, poolSize } = {}) {
  const child = await forkChild(new URL('./service-instance.mjs', import.meta.url), {
    execArgv: ['--expose-gc'],
  });
  try {
    const { url } = await child.call('start', { merchant, dataDir, databaseUrl, schema, poolSize });
    return {
      url,
      pid: child.pid,
      call: child.call,
      async stop() {
        await child.call('stop').catch(() => child.kill());
        await child.exited;
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
