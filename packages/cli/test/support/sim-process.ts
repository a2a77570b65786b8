import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_PATH } from './run-cli.js';

/** A `wxpay sim` started as a real process, as a developer starts it. */
export interface SimProcess {
  /** The URL it printed. */
  url: string;
  child: ChildProcess;
  stdout(): string;
  /** Sends a signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `wxpay sim …args` and resolves once it printed its URL (rejects if it exits first). */
export function startSimProcess(args: string[], env: Record<string, string> = {}): Promise<SimProcess> {
  const child = spawn(process.execPath, [CLI_PATH, 'sim', ...args], {
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
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match && stdout.includes('Press Ctrl+C')) {
        resolve({
          url: match[1]!,
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
      reject(new Error(`wxpay sim exited with ${code} before listening: ${stderr.trim()}`)),
    );
  });
}
