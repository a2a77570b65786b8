import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** How to start the process: by default Node itself, inheriting this environment and folder. */
export interface ServiceProcessOptions {
  /** The executable that runs `script` (Node unless told). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * A service running as its own process (one of the `*-child.mjs` scripts here, or the CLI, on the
 * built dist/), and the lines it printed: what the crash tests kill with SIGKILL and start again.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;

  constructor(script: string, args: readonly string[], options: ServiceProcessOptions = {}) {
    this.#child = spawn(options.command ?? process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let buffer = '';
    this.#child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      this.lines.push(...lines);
    });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  /** Waits for a printed line starting with `prefix`; fails after 15 s or if the process exits. */
  async line(prefix: string): Promise<string> {
    let exited = false;
    void this.#exited.then(() => {
      exited = true;
    });
    for (let i = 0; i < 750; i++) {
      const found = this.lines.find((l) => l.startsWith(prefix));
      if (found) return found;
      if (exited) throw new Error(`the service exited before printing "${prefix}"`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the service never printed "${prefix}"; it printed ${JSON.stringify(this.lines)}`);
  }

  /** Sends `signal` without waiting for anything (SIGSTOP freezes the process, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Sends `signal` and answers the exit code once the process has exited (null: killed by it). */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    this.#child.kill(signal);
    return this.#exited;
  }
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
