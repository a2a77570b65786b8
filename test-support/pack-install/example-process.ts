import { spawn } from 'node:child_process';
import { strangerEnv } from './packed-project.js';

/** Where a check finds the simulator `wxpay sim` runs for it. */
export interface ExampleSimulator {
  url: string;
  /** `<data dir>/merchant`: the exported SDK options the example reads. */
  merchantDir: string;
}

/** A started example app: its URL, what it printed (stdout and stderr interleaved), and a stop. */
export interface RunningExample {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts an example in `dir` as a stranger would (`node app.mjs`, `npm start` …) with only `env`
 * beside a bare environment, and resolves once it prints `listening on http://…`. It runs in its
 * own process group, so npm, a shell and node stop together.
 */
export function startExample(
  name: string,
  dir: string,
  command: [string, ...string[]],
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<RunningExample> {
  const child = spawn(command[0], command.slice(1), {
    cwd: dir,
    env: strangerEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)\s/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited ${child.exitCode}:\n${output}`));
    });
  });
}

/** Polls `probe` every 100 ms until it gives a value; throws naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((tick) => setTimeout(tick, 100));
  }
}
