import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

describe('wxpay dispatcher', () => {
  it.each([['--help'], ['help'], ['-h']])('%s lists every §6 command and the key variables', async (flag) => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    for (const form of [
      'start',
      'sim [--port N] [--https]',
      'sim pay',
      'sign v2',
      'verify v2',
      'jssdk-sign',
      'decrypt',
    ]) {
      expect(run.stdout).toContain(form);
    }
    expect(run.stdout).toContain('WXPAY_KEY');
    expect(run.stdout).toContain('WXPAY_APIV3_KEY');
  });

  it.each([
    [['help', 'sign'], 'Usage: wxpay sign v2'],
    [['sign', '--help'], 'Usage: wxpay sign v2'],
    [['decrypt', '-h'], 'Usage: wxpay decrypt'],
    [['verify', 'v2', '--key', 'k', '--help'], 'Usage: wxpay verify v2'],
  ])('%j prints the command help', async (argv, usage) => {
    const run = await runCli(argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(usage);
  });

  it('--version prints the package version', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe(manifest.version);
  });

  it.each([
    [[], 'missing command'],
    [['refund'], 'unknown command "refund"'],
    [['--verbose'], 'unknown option --verbose'],
    [['help', 'refund'], 'no help for unknown command "refund"'],
  ])('%j is a usage error: exit 2, one line', async (argv, reason) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([expect.stringContaining(reason)]);
  });

  it('does not echo the value of a mistyped option', async () => {
    const run = await runCli(['sign', 'v2', '--ke=SECRETKEY'], { input: '<xml/>' });
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([expect.stringContaining('unknown option --ke')]);
    expect(run.stderr).not.toContain('SECRETKEY');
  });

  it('start with real-merchant settings that are incomplete exits 1 naming the variable, not its value', async () => {
    const run = await runCli(['start'], {
      env: {
        WECHATPAY_MCHID: '1900000109',
        WECHATPAY_APPID: 'wx8888888888888888',
        WECHATPAY_API_KEY: 'SECRET-IN-ENV',
        ADMIN_TOKEN: 'a-long-enough-admin-token',
      },
    });
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual(['wxpay: configuration: WECHATPAY_API_KEY: must be 32 characters']);
    expect(run.stderr).not.toContain('SECRET-IN-ENV');
  });
});
