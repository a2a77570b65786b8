import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { oracleSign, toQuery, toXml, V2 } from './support/v2-vectors.js';

const signed = { ...V2.fields, sign: V2.md5 };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxpay-verify-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wxpay verify v2', () => {
  it.each([
    ['XML', toXml(signed)],
    ['JSON', JSON.stringify(signed)],
    ['query string', toQuery(signed)],
  ])('accepts the §7 vector as %s', async (_format, input) => {
    const run = await runCli(['verify', 'v2', '--key', V2.key], { input });
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('valid (MD5)');
    expect(run.stderr).toBe('');
  });

  it('accepts a lower-case sign and reads a file', async () => {
    const file = join(dir, 'notify.xml');
    await writeFile(file, toXml({ ...V2.fields, sign: V2.md5.toLowerCase() }));
    const run = await runCli(['verify', 'v2', '--key', V2.key, file]);
    expect(run.lastLine).toBe('valid (MD5)');
  });

  it('verifies with the sign_type the body declares', async () => {
    const fields = { ...V2.fields, sign_type: 'HMAC-SHA256' };
    const input = toXml({ ...fields, sign: oracleSign(fields, V2.key, 'HMAC-SHA256') });
    const run = await runCli(['verify', 'v2'], { input, env: { WXPAY_KEY: V2.key } });
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('valid (HMAC-SHA256)');
  });

  it('uses --type for a body without sign_type', async () => {
    const input = toXml({ ...V2.fields, sign: V2.hmac });
    const asked = await runCli(['verify', 'v2', '--key', V2.key, '--type', 'HMAC-SHA256'], { input });
    expect(asked.lastLine).toBe('valid (HMAC-SHA256)');
    const defaulted = await runCli(['verify', 'v2', '--key', V2.key], { input });
    expect(defaulted.code).toBe(1);
  });

  it('rejects a tampered field: exit 1, expected vs got, the signed string, no key', async () => {
    const input = toXml({ ...signed, body: 'tesu' });
    const run = await runCli(['verify', 'v2', '--key', V2.key], { input });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toHaveLength(1);
    const expected = oracleSign({ ...V2.fields, body: 'tesu' }, V2.key, 'MD5');
    expect(run.errorLines[0]).toBe(
      `invalid: expected ${expected} (MD5), got ${V2.md5}; signed string ` +
        '"appid=wxd930ea5d5a258f4f&body=tesu&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=***"',
    );
    expect(run.stdout + run.stderr).not.toContain(V2.key);
  });

  it('rejects a sign with one character changed', async () => {
    const input = toXml({ ...V2.fields, sign: `${V2.md5.slice(0, -1)}8` });
    const run = await runCli(['verify', 'v2', '--key', V2.key], { input });
    expect(run.code).toBe(1);
    expect(run.errorLines[0]).toMatch(/^invalid: expected 9A0A8659F005D6984697E2CA0A9CF3B7 \(MD5\), got /);
  });

  it('rejects the right message under a wrong key without printing either key', async () => {
    const wrongKey = `${V2.key.slice(0, -1)}e`;
    const run = await runCli(['verify', 'v2', '--key', wrongKey], { input: toXml(signed) });
    expect(run.code).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.stderr).not.toContain(wrongKey);
    expect(run.stderr).not.toContain(V2.key);
  });

  it('says so when the body has no sign', async () => {
    const run = await runCli(['verify', 'v2', '--key', V2.key], { input: toXml(V2.fields) });
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual(['invalid: message has no sign field']);
  });

  it('needs a key', async () => {
    const run = await runCli(['verify', 'v2'], { input: toXml(signed) });
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([expect.stringContaining('missing --key (or set WXPAY_KEY)')]);
  });
});
