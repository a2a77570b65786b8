/**
 * `npx wxpay …` is how the README runs every command, so the `wxpay` that npm links in the
 * repository's node_modules/.bin must be this package's and no dependency's (a peer SDK the
 * compatibility tests drive ships a `wxpay` bin of its own).
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from './support/run-cli.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('npx wxpay in the repository', () => {
  it('runs our command: `npx --no-install wxpay --version` prints @wechatpay-kit/cli’s version', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'wxpay', '--version'], {
      cwd: repositoryRoot,
      timeout: 15_000,
    });
    expect(stdout.trim().split('\n').at(-1)).toBe(version);
  });

  it('links node_modules/.bin/wxpay to the built CLI of packages/cli', () => {
    const linked = realpathSync(
      fileURLToPath(new URL('node_modules/.bin/wxpay', `file://${repositoryRoot}`)),
    );
    expect(linked).toBe(realpathSync(CLI_PATH));
  });
});
