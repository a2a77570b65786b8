import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
 * cannot rot without this test failing.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GUIDE_DIRS = ['docs/zh-CN', 'docs/en'];
const EXTRA = ['README.zh-CN.md'];

interface Sample {
  name: string;
  code: string;
}

function samplesOf(path: string): Sample[] {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    samples.push({ name: `${path}:${start}`, code: lines.slice(start, end).join('\n') });
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
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env } });
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
      const result = await run(file, dir, env);
      expect(result.code, `${sample.name} (${relative(ROOT, file)}):\n${result.output}`).toBe(0);
    },
    30_000,
  );
});
