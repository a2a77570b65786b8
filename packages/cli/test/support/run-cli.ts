import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command, run exactly as `wxpay` would be: a separate Node process. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last line of standard output: where §6 promises the result. */
  lastLine: string;
  /** The non-empty lines of standard error. */
  errorLines: string[];
}

export interface CliRunOptions {
  /** Written to standard input, which is then closed; standard input is closed empty otherwise. */
  input?: string | Buffer;
  /** Added to an environment stripped of any WXPAY_* variable the developer may have set. */
  env?: Record<string, string>;
}

export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: build first with "npx tsc -b" from the repository root`);
  }
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('WXPAY_') && !options.env?.[name]) delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n').filter((line) => line !== '');
      resolve({
        code,
        stdout,
        stderr,
        lastLine: lines.at(-1) ?? '',
        errorLines: stderr.split('\n').filter((line) => line !== ''),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}
