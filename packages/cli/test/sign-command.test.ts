import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { oracleSign, toQuery, toXml, V2 } from './support/v2-vectors.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wxpay-sign-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bodies = {
  XML: toXml(V2.fields),
  JSON: JSON.stringify(V2.fields),
  'query string': toQuery(V2.fields),
};

describe('wxpay sign v2 (GUIDE §7 vector)', () => {
  it.each(Object.entries(bodies))(
    'signs the %s body from standard input with MD5 by default',
    async (format, body) => {
      const run = await runCli(['sign', 'v2', '--key', V2.key], { input: body });
      expect(run.code).toBe(0);
      expect(run.lastLine).toBe(V2.md5);
      expect(run.stdout).toContain(`body read as ${format}`);
    },
  );

  it.each(Object.entries(bodies))('signs the %s body with HMAC-SHA256 when asked', async (_format, body) => {
    const run = await runCli(['sign', 'v2', '--key', V2.key, '--type', 'HMAC-SHA256', '-'], { input: body });
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe(V2.hmac);
  });

  it('reads the body from a file', async () => {
    const file = join(dir, 'order.xml');
    await writeFile(file, `${bodies.XML}\n`);
    const run = await runCli(['sign', 'v2', '--key', V2.key, file]);
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe(V2.md5);
  });

  it('takes the key from WXPAY_KEY and never prints it', async () => {
    const run = await runCli(['sign', 'v2'], { input: bodies.XML, env: { WXPAY_KEY: V2.key } });
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe(V2.md5);
    expect(run.stdout).toContain(
      'signed string: appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=***',
    );
    expect(run.stdout + run.stderr).not.toContain(V2.key);
  });

  it('prefers --key to WXPAY_KEY', async () => {
    const run = await runCli(['sign', 'v2', '--key', V2.key], {
      input: bodies.JSON,
      env: { WXPAY_KEY: 'other' },
    });
    expect(run.lastLine).toBe(V2.md5);
  });

  it('changes the sign when one byte of a field changes', async () => {
    const run = await runCli(['sign', 'v2', '--key', V2.key], {
      input: toQuery({ ...V2.fields, body: 'tesu' }),
    });
    expect(run.code).toBe(0);
    expect(run.lastLine).toMatch(/^[0-9A-F]{32}$/);
    expect(run.lastLine).not.toBe(V2.md5);
  });

  it('ignores a sign already in the body and accepts JSON numbers', async () => {
    const body = JSON.stringify({ ...V2.fields, mch_id: 10000100, sign: 'WHATEVER' });
    const run = await runCli(['sign', 'v2', '--key', V2.key], { input: body });
    expect(run.lastLine).toBe(V2.md5);
  });

  it('signs the query of a whole weixin:// link', async () => {
    const run = await runCli(['sign', 'v2', '--key', V2.key], {
      input: `weixin://wxpay/bizpayurl?${toQuery(V2.fields)}`,
    });
    expect(run.lastLine).toBe(V2.md5);
  });

  it("uses the body's sign_type unless --type is given, and says which", async () => {
    const fields = { ...V2.fields, sign_type: 'HMAC-SHA256' };
    const declared = await runCli(['sign', 'v2', '--key', V2.key], { input: toXml(fields) });
    expect(declared.lastLine).toBe(oracleSign(fields, V2.key, 'HMAC-SHA256'));
    expect(declared.stdout).toContain('sign type: HMAC-SHA256 (sign_type in the body');

    const forced = await runCli(['sign', 'v2', '--key', V2.key, '--type', 'md5'], { input: toXml(fields) });
    expect(forced.lastLine).toBe(oracleSign(fields, V2.key, 'MD5'));
    expect(forced.stdout).toContain('sign type: MD5 (--type');
    expect(forced.stdout).toContain('declares sign_type=HMAC-SHA256');
  });

  it('refuses an unsupported sign_type in the body with exit 1', async () => {
    const run = await runCli(['sign', 'v2', '--key', V2.key], {
      input: toQuery({ ...V2.fields, sign_type: 'SHA1' }),
    });
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([expect.stringContaining('unsupported sign_type "SHA1"')]);
  });

  it.each([
    ['malformed XML', '<xml><appid>wx</xml>'],
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>'],
    ['a nested JSON field', '{"appid":"wx","detail":{"goods":[]}}'],
    ['a JSON array', '[1,2]'],
    ['plain text', 'hello'],
    ['an empty body', ''],
    ['invalid UTF-8', Buffer.from([0x61, 0x3d, 0xff, 0xfe])],
  ])('refuses %s with exit 1 and one line', async (_what, input) => {
    const run = await runCli(['sign', 'v2', '--key', V2.key], { input });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/^wxpay: /);
  });

  it('reports a missing file with exit 1 and one line', async () => {
    const run = await runCli(['sign', 'v2', '--key', V2.key, join(dir, 'absent.xml')]);
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([expect.stringMatching(/cannot read .*absent\.xml: no such file/)]);
  });

  it.each([
    ['no key', ['sign', 'v2'], 'missing --key (or set WXPAY_KEY)'],
    ['no version', ['sign', '--key', V2.key], 'wxpay sign v2'],
    ['v3', ['sign', 'v3', '--key', V2.key], 'only v2 is supported'],
    [
      'an unknown --type',
      ['sign', 'v2', '--key', V2.key, '--type', 'SHA1'],
      '--type must be MD5 or HMAC-SHA256',
    ],
    ['two files', ['sign', 'v2', '--key', V2.key, 'a.xml', 'b.xml'], 'too many arguments'],
  ])('answers %s with a usage error (exit 2)', async (_what, args, reason) => {
    const run = await runCli(args, { input: bodies.XML });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([expect.stringContaining(reason)]);
  });
});
