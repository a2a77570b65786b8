import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_PATH } from './run-cli.js';

/** A long-running `wxpay` command started as a real process, as a developer starts it. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  /** Sends a signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A `wxpay sim` process. */
export interface SimProcess extends CliProcess {
  /** The URL it printed. */
  url: string;
}

/** A `wxpay start` process: the payment service and its simulator. */
export interface DemoProcess extends CliProcess {
  serviceUrl: string;
  simulatorUrl: string;
}

/**
 * Starts `wxpay …args` and resolves once its output says it is ready ("Press Ctrl+C"), with what
 * `read` takes from that output; rejects if it exits first.
 */
function startCliProcess<T extends object>(
  args: string[],
  env: Record<string, string>,
  read: (stdout: string) => T | undefined,
): Promise<T & CliProcess> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = stdout.includes('Press Ctrl+C') ? read(stdout) : undefined;
      if (found) {
        resolve({
          ...found,
          child,
          stdout: () => stdout,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) =>
      reject(new Error(`wxpay ${args[0]} exited with ${code} before it was ready: ${stderr.trim()}`)),
    );
  });
}

/** Starts `wxpay sim …args` and resolves once it printed its URL. */
export function startSimProcess(args: string[], env: Record<string, string> = {}): Promise<SimProcess> {
  return startCliProcess(['sim', ...args], env, (stdout) => {
    const url = /listening on (https?:\/\/\S+)/.exec(stdout)?.[1];
    return url ? { url } : undefined;
  });
}

/** Starts `wxpay start` (service + simulator, embedded defaults) and resolves with both URLs. */
export function startDemoProcess(env: Record<string, string>): Promise<DemoProcess> {
  return startCliProcess(['start'], env, (stdout) => {
    const checkout = /checkout\s+(http:\/\/\S+)/.exec(stdout)?.[1];
    const phone = /phone page\s+(http:\/\/\S+)\/_sim\/phone/.exec(stdout)?.[1];
    return checkout && phone ? { serviceUrl: new URL(checkout).origin, simulatorUrl: phone } : undefined;
  });
}
