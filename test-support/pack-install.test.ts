/**
 * SLOW (about 1.5 minutes, most of it npm building better-sqlite3 from source): the packages as a
 * stranger gets them. Every public workspace is packed (`npm pack`, from the `dist/` that
 * `npm test`'s `tsc -b` built), the tarballs are installed into a fresh temporary project with no
 * workspace and no link, and there, with nothing of the repository on the module path: an ESM
 * app, a CommonJS app (`require`, Node's require(esm)), a CommonJS TypeScript file type-checked
 * with `module: nodenext`, the SDK README's example, `npx wxpay sim` + `npx wxpay sim pay`, `npx wxpay start` (the service
 * with its pages, migrations and native SQLite driver) and the example apps of example-apps.ts.
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V3Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_APPS } from './pack-install/example-apps.js';
import {
  installProject,
  type PackedTarball,
  packPublicPackages,
  REPOSITORY_ROOT,
  type Run,
  run,
  type Service,
  startService,
} from './pack-install/packed-project.js';

const PUBLIC_PACKAGES = [
  '@wechatpay-kit/cli',
  '@wechatpay-kit/sdk',
  '@wechatpay-kit/service',
  '@wechatpay-kit/simulator',
];

/** The one JSON line a fixture script prints last. */
const lastJson = (result: Run): Record<string, unknown> =>
  JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as Record<string, unknown>;

describe('pack-install: the published tarballs, installed in a fresh project', () => {
  let work: string;
  let project: string;
  let tarballs: PackedTarball[];
  const tarball = (name: string) => tarballs.find((packed) => packed.name === name)!;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wxpay-pack-install-'));
    project = join(work, 'app');
    mkdirSync(join(work, 'tarballs'));
    mkdirSync(project);
    const started = Date.now();
    tarballs = await packPublicPackages(join(work, 'tarballs'));
    const packed = Date.now();
    const extra = Object.assign({}, ...EXAMPLE_APPS.map((app) => app.dependencies ?? {}));
    const install = await installProject(project, tarballs, extra);
    if (install.code !== 0) {
      const hint = /gyp|better-sqlite3/.test(install.stderr)
        ? '\nbetter-sqlite3 builds from source here, as in the repository’s own npm ci: npm’s nodedir must name Node’s headers (npm config get nodedir).'
        : '';
      throw new Error(
        `npm install of the tarballs failed (${install.code}):\n${install.stdout}\n${install.stderr}${hint}`,
      );
    }
    const sizes = tarballs.map((t) => `${t.name} ${t.size} B packed, ${t.unpackedSize} B unpacked`);
    console.info(`pack ${packed - started} ms, install ${Date.now() - packed} ms\n${sizes.join('\n')}`);
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs exactly the public packages, the CLI’s dependencies among them', () => {
    expect(tarballs.map((packed) => packed.name).sort()).toEqual(PUBLIC_PACKAGES);
    const cli = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'packages/cli/package.json'), 'utf8'));
    for (const dependency of Object.keys(cli.dependencies).filter((name) =>
      name.startsWith('@wechatpay-kit/'),
    )) {
      expect(PUBLIC_PACKAGES).toContain(dependency);
    }
  });

  it('ships README, LICENSE and every exports target (types first); no .tsbuildinfo, no source map', () => {
    for (const packed of tarballs) {
      expect(packed.files, packed.name).toEqual(
        expect.arrayContaining(['README.md', 'LICENSE', 'package.json']),
      );
      expect(
        packed.files.filter((file) => /tsbuildinfo|\.map$/.test(file)),
        packed.name,
      ).toEqual([]);
      const pointingToMaps = packed.files.filter(
        (file) =>
          /\.(js|d\.ts)$/.test(file) &&
          /^\/\/# sourceMappingURL=/m.test(
            readFileSync(join(project, 'node_modules', packed.name, file), 'utf8'),
          ),
      );
      expect(pointingToMaps, `${packed.name}: files naming a source map it does not ship`).toEqual([]);
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules', packed.name, 'package.json'), 'utf8'),
      );
      const targets = Object.values(
        manifest.exports as Record<string, string | Record<string, string>>,
      ).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
      for (const target of targets) expect(packed.files, packed.name).toContain(target.replace(/^\.\//, ''));
      expect(Object.keys(manifest.exports), packed.name).toContain('./package.json');
      for (const [subpath, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
        if (typeof target === 'object')
          expect(Object.keys(target!)[0], `${packed.name} ${subpath}`).toBe('types');
      }
    }
    const service = tarball('@wechatpay-kit/service').files;
    expect(service).toEqual(expect.arrayContaining(['web/checkout.html', 'web/admin.html']));
    expect(service.filter((file) => file.includes('/migrations/0001-')).length).toBeGreaterThan(0);
    expect(tarball('@wechatpay-kit/simulator').files.some((file) => file.startsWith('web/'))).toBe(true);
    expect(tarball('@wechatpay-kit/cli').files).toContain('bin/wxpay.js');
  });

  it('installs real copies, no workspace link, and the project’s wxpay is the installed CLI', () => {
    for (const name of PUBLIC_PACKAGES) {
      expect(lstatSync(join(project, 'node_modules', name)).isSymbolicLink(), name).toBe(false);
    }
    expect(realpathSync(join(project, 'node_modules/.bin/wxpay'))).toBe(
      realpathSync(join(project, 'node_modules/@wechatpay-kit/cli/bin/wxpay.js')),
    );
  });

  it('an ESM app: the installed simulator in-process, a Native v3 order paid and queried', async () => {
    const result = await run('node', ['native-order.mjs'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(lastJson(result)).toMatchObject({ module: 'esm', before: 'NOTPAY', after: 'SUCCESS' });
  });

  it('the SDK README’s example runs as written', async () => {
    const readme = readFileSync(join(REPOSITORY_ROOT, 'packages/sdk/README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from '@wechatpay-kit/sdk'");
    writeFileSync(join(project, 'readme-example.mjs'), example!);
    const result = await run('node', ['readme-example.mjs'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('SUCCESS');
  });

  it('a CommonJS app: require() of every SDK entry point, the simulator and the service, silently', async () => {
    const result = await run('node', ['native-order.cjs'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(lastJson(result)).toMatchObject({
      module: 'cjs',
      version: '0.1.0',
      md5: '900150983cd24fb0d6963f7d28e17f72',
      testing: 'function',
      webhooks: 'function',
      service: 'function',
      frameworks: ['function', 'function', 'function'],
      cli: '0.1.0',
      before: 'NOTPAY',
      after: 'SUCCESS',
    });
  });

  it('a CommonJS TypeScript file (module: nodenext, import = require) gets the real types', async () => {
    const tsc = join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc');
    const args = ['--module', 'nodenext', '--target', 'es2022', '--strict', '--noEmit', '--types', 'node'];
    const typeRoots = ['--typeRoots', join(REPOSITORY_ROOT, 'node_modules/@types')];
    const result = await run('node', [tsc, ...args, ...typeRoots, 'cjs-types.cts'], { cwd: project });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('npx wxpay start: the service from its tarball serves its pages and its SQLite products', async () => {
    const dataDir = join(work, 'start-data');
    const demo = await startService('npx', ['--no-install', 'wxpay', 'start'], {
      cwd: project,
      env: { PORT: '0', SIM_PORT: '0', DATA_DIR: dataDir, WECHATPAY_MCHID: '' },
      ready: 'Press Ctrl+C',
    });
    try {
      const checkout = /checkout\s+(http:\/\/\S+)/.exec(demo.stdout())?.[1];
      expect(checkout).toBeDefined();
      const page = await fetch(checkout!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-simulator-url="http://127.0.0.1:');
      const products = await fetch(new URL('/api/products', checkout));
      expect(products.status).toBe(200);
      expect(((await products.json()) as unknown[]).length).toBeGreaterThan(0);
    } finally {
      await demo.stop();
    }
  }, 60_000);

  describe('npx wxpay sim, from the installed CLI', () => {
    let sim: Service;
    let url: string;
    let client: V3Client;

    beforeAll(async () => {
      const dataDir = join(work, 'sim-data');
      sim = await startService(
        'npx',
        ['--no-install', 'wxpay', 'sim', '--port', '0', '--data-dir', dataDir],
        {
          cwd: project,
          ready: 'Press Ctrl+C',
        },
      );
      url = /listening on (https?:\/\/\S+)/.exec(sim.stdout())![1]!;
      const m = JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8'));
      client = new V3Client({
        baseUrl: url,
        mchid: m.mchid,
        serialNo: m.serialNo,
        privateKey: m.privateKeyPem,
        apiV3Key: m.apiV3Key,
        retry: false,
        verification: { mode: 'public-key', publicKeyId: m.publicKeyId, publicKey: m.publicKeyPem },
      });
    }, 60_000);
    afterAll(async () => {
      await client?.close();
      await sim?.stop();
    });

    it('npx wxpay sim pay pays an order the SDK created there', async () => {
      const outTradeNo = `PACK${Date.now()}`;
      const merchant = JSON.parse(readFileSync(join(work, 'sim-data/merchant/merchant.json'), 'utf8'));
      await client.transactions.native({
        appid: merchant.appid,
        description: 'pack-install',
        out_trade_no: outTradeNo,
        notify_url: 'http://127.0.0.1:9/notify',
        amount: { total: 103 },
      });
      const paid = await run('npx', ['--no-install', 'wxpay', 'sim', 'pay', outTradeNo, '--user', 'alice'], {
        cwd: project,
        env: { SIM_URL: url },
      });
      expect(paid.code, paid.stderr).toBe(0);
      const transaction = await client.transactions.queryByOutTradeNo(outTradeNo);
      expect(transaction.trade_state).toBe('SUCCESS');
      expect(paid.stdout.trim().split('\n').at(-1)).toBe(`SUCCESS ${transaction.transaction_id}`);
    });

    for (const app of EXAMPLE_APPS) {
      it(
        `example app ${app.name}`,
        () => app.check(project, { url, merchantDir: join(work, 'sim-data', 'merchant') }),
        120_000,
      );
    }
  });
});
