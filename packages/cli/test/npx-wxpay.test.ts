/**
 * `npx wxpay …` is how the README runs every command, so the `wxpay` that npm links in the
 * repository's node_modules/.bin must be this package's and no dependency's (a peer SDK the
 * compatibility tests drive ships a `wxpay` bin of its own), from the first `npm ci` of a clone on.
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const packageUrl = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', packageUrl), 'utf8')) as {
  version: string;
  bin: { wxpay: string };
};
const bin = fileURLToPath(new URL(manifest.bin.wxpay, packageUrl));

describe('npx wxpay in the repository', () => {
  it('runs our command: `npx --no-install wxpay --version` prints @wechatpay-kit/cli’s version', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'wxpay', '--version'], {
      cwd: repositoryRoot,
      timeout: 15_000,
    });
    expect(stdout.trim().split('\n').at(-1)).toBe(manifest.version);
  });

  it('links node_modules/.bin/wxpay to the bin of packages/cli', () => {
    const linked = realpathSync(
      fileURLToPath(new URL('node_modules/.bin/wxpay', `file://${repositoryRoot}`)),
    );
    expect(linked).toBe(realpathSync(bin));
  });

  it('points its bin at a committed, executable file: npm links bins before a clone has built dist/', async () => {
    const { stdout } = await promisify(execFile)('git', ['ls-files', '--error-unmatch', bin], {
      cwd: repositoryRoot,
    });
    expect(stdout.trim()).toBe('packages/cli/bin/wxpay.js');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
