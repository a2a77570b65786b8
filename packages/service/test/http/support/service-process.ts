import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A service running as its own process (one of the `*-child.mjs` scripts here, on the built
 * dist/), and the lines it printed: what the crash tests kill with SIGKILL and start again.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  constructor(script: string, args: readonly string[]) {
    this.#child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    this.#child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      this.lines.push(...lines);
    });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk));
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
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

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.#child.kill(signal);
    await this.#exited;
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
