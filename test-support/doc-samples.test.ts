import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MERCHANT_EXPORT_FILES, type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.js';

/**
 * The docs' code samples, run as users run them: every ```ts block of the guides under docs/ (and
 * of README.zh-CN.md) is a whole program. It is type-checked strictly against the built packages,
 * then run with Node in a fresh folder where `npx wxpay sim` has just exported its merchant
 * (`data/simulator/merchant/`), with `SIM_URL` and the variables of `service.env` set, so a sample
 * cannot rot without this test failing. A block marked ```ts fragment is an excerpt of an example app
 * under examples/, which the pack-install test runs whole; it is left out here.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GUIDE_DIRS = ['docs/zh-CN', 'docs/en'];
const EXTRA = ['README.zh-CN.md'];

/** One `wxpay trigger` a served sample must answer: ACK (`trigger`) or not (`refused`). */
interface Trigger {
  args: string[];
  acked: boolean;
}

interface Sample {
  name: string;
  code: string;
  /**
   * A sample that serves (a notification handler) instead of running to its end: `<!-- doc-test: … -->`
   * lines just above its block say what to send it and what it must print. It listens on `PORT`.
   */
  serves?: { triggers: Trigger[]; outputs: string[] };
}

const DIRECTIVE = /^<!-- doc-test: (trigger|refused|output) (.+) -->$/;

function samplesOf(path: string): Sample[] {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const sample: Sample = { name: `${path}:${start}`, code: lines.slice(start, end).join('\n') };
    for (let above = i - 1; above >= 0; above--) {
      const directive = DIRECTIVE.exec(lines[above]?.trim() ?? '');
      if (!directive) break;
      sample.serves ??= { triggers: [], outputs: [] };
      const [, kind, text] = directive as unknown as [string, string, string];
      if (kind === 'output') sample.serves.outputs.unshift(text);
      else sample.serves.triggers.unshift({ args: text.split(/\s+/), acked: kind === 'trigger' });
    }
    samples.push(sample);
    i = end;
  }
  return samples;
}

const files = [
  ...GUIDE_DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `${dir}/${name}`),
  ),
  ...EXTRA,
];
const samples = files.flatMap(samplesOf);

function run(
  file: string,
  cwd: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');

function freePort(): Promise<number> {
  return new Promise((found, failed) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => found(port));
    });
    probe.on('error', failed);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      answer(true);
    });
    socket.on('error', () => answer(false));
  });
}

/**
 * Runs a serving sample as its reader would: started, sent each notification with `wxpay trigger`
 * from the simulator, then stopped. Returns what went wrong, or nothing.
 */
async function serve(
  file: string,
  cwd: string,
  env: Record<string, string>,
  serves: NonNullable<Sample['serves']>,
): Promise<string[]> {
  const port = await freePort();
  const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env, PORT: String(port) } });
  let output = '';
  let exited = false;
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  child.on('exit', () => {
    exited = true;
  });
  const problems: string[] = [];
  try {
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (exited || Date.now() > deadline) return [`never listened on PORT=${port}:\n${output}`];
      await new Promise((tick) => setTimeout(tick, 100));
    }
    for (const trigger of serves.triggers) {
      const args = trigger.args.map((arg, i) =>
        trigger.args[i - 1] === '--to' ? `http://127.0.0.1:${port}${arg}` : arg,
      );
      const sent = await run(CLI, cwd, env, ['trigger', ...args]);
      if ((sent.code === 0) !== trigger.acked) {
        problems.push(
          `trigger ${trigger.args.join(' ')}: expected ${trigger.acked ? 'an ACK' : 'no ACK'}, got:\n${sent.output}`,
        );
      }
    }
    for (const expected of serves.outputs) {
      if (!output.includes(expected)) problems.push(`did not print "${expected}"`);
    }
    if (exited) problems.push('stopped by itself while serving');
    return problems.length > 0 ? [...problems, `its output:\n${output}`] : [];
  } finally {
    child.kill('SIGTERM');
  }
}

describe('the code samples in the docs', () => {
  let dir: string;
  let sim: RunningSimulator;
  let env: Record<string, string>;
  const sourceOf = (index: number) => join(dir, `sample-${index}.ts`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-doc-samples-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}\n');
    sim = await startSimulator({ port: 0, dataDir: join(dir, 'data', 'simulator') });
    const exported = readFileSync(
      join(dir, 'data', 'simulator', 'merchant', MERCHANT_EXPORT_FILES.serviceEnv),
      'utf8',
    );
    env = { ...parseEnvFile(exported), SIM_URL: sim.url };
    samples.forEach((sample, index) => {
      writeFileSync(sourceOf(index), sample.code);
    });
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has samples in every guide', () => {
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) expect(samplesOf(file).length, `${file} has no ts sample`).toBeGreaterThan(0);
  });

  it('type-checks every sample strictly against the published entry points', () => {
    const program = ts.createProgram(
      samples.map((_, index) => sourceOf(index)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        skipLibCheck: true,
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? samples[Number(/sample-(\d+)/.exec(d.file.fileName)?.[1])]?.name : '';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });

  it.each(samples.map((sample, index) => [sample.name, index] as const))(
    '%s runs',
    async (_name, index) => {
      const sample = samples[index]!;
      const js = ts.transpileModule(sample.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const file = join(dir, `sample-${index}.mjs`);
      writeFileSync(file, js);
      if (sample.serves) {
        expect(await serve(file, dir, env, sample.serves), sample.name).toEqual([]);
        return;
      }
      const result = await run(file, dir, env);
      expect(result.code, `${sample.name} (${relative(ROOT, file)}):\n${result.output}`).toBe(0);
    },
    30_000,
  );
});
