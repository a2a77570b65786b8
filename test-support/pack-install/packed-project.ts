import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

/** One `npm pack` result, as `npm pack --json` reports it. */
export interface PackedTarball {
  name: string;
  filename: string;
  /** Absolute path of the .tgz. */
  path: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child that must behave as in a stranger's project: `npm test` exports its
 * own package's and lifecycle's `npm_*` variables (among them the repository as `local_prefix`),
 * which would make npm in the temp project act on the repository. npm's user config (~/.npmrc:
 * cache, `nodedir` for native builds) still applies, exactly as it did to the repository's `npm ci`.
 */
export function strangerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lowered = name.toLowerCase();
    if (lowered.startsWith('npm_package_') || lowered.startsWith('npm_lifecycle_')) continue;
    if (/^npm_config_(local_prefix|workspaces?|include_workspace_root)$/.test(lowered)) continue;
    if (name === 'INIT_CWD' || name.startsWith('VITEST') || name.startsWith('WXPAY_')) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to its end; never rejects, so a test can show what it printed. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: strangerEnv(options.env), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The workspaces that are published: every one whose manifest is not `private`. */
export function publicWorkspaces(): { name: string; dir: string }[] {
  const root = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return root.workspaces
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(REPOSITORY_ROOT, dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir }));
}

/** `npm pack` of every public workspace into `destination`, from the built `dist/` (`tsc -b` first). */
export async function packPublicPackages(destination: string): Promise<PackedTarball[]> {
  const workspaces = publicWorkspaces().flatMap(({ dir }) => ['--workspace', dir]);
  const packed = await run('npm', ['pack', ...workspaces, '--pack-destination', destination, '--json'], {
    cwd: REPOSITORY_ROOT,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const reports = JSON.parse(packed.stdout) as (Omit<PackedTarball, 'path' | 'files'> & {
    files: { path: string }[];
  })[];
  return reports.map((report) => ({
    ...report,
    path: join(destination, report.filename),
    files: report.files.map((file) => file.path),
  }));
}

/**
 * A fresh project that depends on the tarballs only (`file:` specs, no workspace, no link), with
 * the fixtures copied in, installed by `npm install` from the npm cache the repository's own
 * install filled. better-sqlite3 (the service's driver) runs its install script here as it did
 * there: its prebuilt download fails without GitHub and node-gyp builds it against the headers
 * npm's `nodedir` names; `allowScripts` approves that script as the root manifest does.
 */
export async function installProject(
  dir: string,
  tarballs: PackedTarball[],
  extraDependencies: Record<string, string> = {},
): Promise<Run> {
  const ours = Object.fromEntries(tarballs.map((tarball) => [tarball.name, `file:${tarball.path}`]));
  const dependencies = { ...extraDependencies, ...ours };
  const manifest = { name: 'pack-install-app', version: '0.0.0', private: true, dependencies };
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ ...manifest, allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
  );
  for (const fixture of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, fixture), join(dir, fixture));
  // JOBS: node-gyp's make runs better-sqlite3's two compile units (SQLite, the binding) side by side.
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { JOBS: 'max' },
    timeoutMs: 280_000,
  });
}

/** A long-running command (`npx wxpay sim`), started in its own process group so it stops whole. */
export interface Service {
  child: ChildProcess;
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `command` and resolves once its output has `ready`; rejects if it exits first. */
export function startService(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; ready: string },
): Promise<Service> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: strangerEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes(options.ready)) resolve({ child, stdout: () => stdout, stop });
    });
    void exited.then(() =>
      reject(new Error(`${args.join(' ')} exited before it was ready:\n${stdout}\n${stderr}`)),
    );
  });
}
