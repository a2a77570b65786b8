import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';

/** Debian puts nginx in /usr/sbin, which a non-root PATH often lacks. */
const FALLBACK_DIRS = ['/usr/sbin'];

/** The nginx executable on PATH (or in /usr/sbin), or `undefined` when this machine has none. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [...(env.PATH ?? '').split(delimiter), ...FALLBACK_DIRS]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * A real nginx run from a private prefix by any user: the site file is included from a minimal main
 * configuration (the part Debian's /etc/nginx/nginx.conf plays), with every path nginx would write
 * to moved under `prefix`, in the foreground so the test owns the process.
 */
export class NginxServer {
  readonly #binary: string;
  readonly #prefix: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  constructor(binary: string, prefix: string, siteText: string) {
    this.#binary = binary;
    this.#prefix = prefix;
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    // Workers drop to `nobody` when the master runs as root: they must reach the temp folders
    // (the folder holding `prefix` too).
    chmodSync(prefix, 0o755);
    writeFileSync(join(prefix, 'wechatpay-kit.conf'), siteText);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `    ${kind}_temp_path ${join(prefix, `${kind}-temp`)};`,
    );
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        'worker_processes 1;',
        'events { worker_connections 1024; }',
        'http {',
        ...temp,
        `    access_log ${join(prefix, 'logs', 'default-access.log')};`,
        `    include ${join(prefix, 'wechatpay-kit.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
  }

  get errorLog(): string {
    return join(this.#prefix, 'logs', 'error.log');
  }

  #args(): string[] {
    return [
      '-p',
      this.#prefix,
      '-e',
      this.errorLog,
      '-c',
      join(this.#prefix, 'nginx.conf'),
      '-g',
      `daemon off; pid ${join(this.#prefix, 'nginx.pid')}; error_log ${this.errorLog} warn;`,
    ];
  }

  /** `nginx -t`: the exit code and what it printed. */
  check(): { status: number | null; output: string } {
    const result = spawnSync(this.#binary, ['-t', ...this.#args()], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  /** Starts nginx and waits until `port` accepts connections. */
  async start(port: number): Promise<void> {
    const child = spawn(this.#binary, this.#args(), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    for (let i = 0; i < 250; i++) {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}${this.#errors()}`);
      if (await accepts(port)) return;
      await new Promise((wait) => setTimeout(wait, 20));
    }
    throw new Error(`nginx never listened on ${port}: ${this.#errors()}`);
  }

  #errors(): string {
    try {
      return readFileSync(this.errorLog, 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    if (!this.#child || this.#child.exitCode !== null) return;
    this.#child.kill('SIGTERM');
    await this.#exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
