import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_SIGNATURE_PREFIX } from '@wechatpay-kit/sdk/crypto';
import { buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../../sdk/test/support/fixtures.js';
import { runCli } from './support/run-cli.js';

const resource = {
  appid: fixtures.appid,
  mchid: fixtures.mchid,
  out_trade_no: 'VERIFYV3000001',
  transaction_id: '4200000000202612020000000001',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  success_time: '2026-12-02T18:00:05+08:00',
  payer: { openid: 'o-payer' },
  amount: { total: 990, payer_total: 990, currency: 'CNY', payer_currency: 'CNY' },
} as const;

describe('wxpay verify v3 and wxpay decrypt of a whole notification', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const built = buildV3Notification({
    event_type: 'TRANSACTION.SUCCESS',
    resource: resource as never,
    apiV3Key: fixtures.apiV3Key,
    signer: { privateKey: fixtures.publicModeKey, serial: fixtures.publicKeyId },
  });
  const headerLines = (headers: Record<string, string>) =>
    `POST /api/notify/v3 HTTP/1.1\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n')}\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wxpay-verify-v3-'));
    await writeFile(file('headers.txt'), headerLines(built.headers));
    await writeFile(file('headers.json'), JSON.stringify(built.headers));
    await writeFile(file('body.json'), built.body);
    await writeFile(file('body-newline.json'), `${built.body}\n`);
    await writeFile(file('body-pretty.json'), JSON.stringify(JSON.parse(built.body), null, 2));
    await writeFile(file('pub.pem'), fixtures.publicModePub);
    await writeFile(file('platform-cert.pem'), fixtures.platformCert);
    const probe = { ...built.headers, 'Wechatpay-Signature': `${PROBE_SIGNATURE_PREFIX}abc` };
    await writeFile(file('probe-headers.txt'), headerLines(probe));
    const { 'Wechatpay-Nonce': _dropped, ...noNonce } = built.headers as Record<string, string>;
    await writeFile(file('no-nonce-headers.txt'), headerLines(noNonce));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const verify = (headers: string, body: string, key: string[] = ['--public-key', file('pub.pem')]) =>
    runCli(['verify', 'v3', '--headers', file(headers), '--body', file(body), ...key]);

  it('is valid over the exact bytes, from header lines or JSON, with the serial checked', async () => {
    for (const headers of ['headers.txt', 'headers.json']) {
      const run = await verify(headers, 'body.json', [
        '--public-key',
        file('pub.pem'),
        '--public-key-id',
        fixtures.publicKeyId,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`valid (Wechatpay-Serial ${fixtures.publicKeyId})`);
    }
  });

  it.each([
    ['a newline an editor added', 'headers.txt', 'body-newline.json', undefined, 'ends with a newline'],
    ['a re-serialized body', 'headers.txt', 'body-pretty.json', undefined, 'body parser re-serialized'],
    ['the probe signature', 'probe-headers.txt', 'body.json', undefined, "WeChat's probe signature"],
    ['a missing header', 'no-nonce-headers.txt', 'body.json', undefined, 'missing header wechatpay-nonce'],
    [
      'a serial naming another key',
      'headers.txt',
      'body.json',
      ['--cert', 'platform-cert.pem'],
      `the key given is ${fixtures.platformSerial}`,
    ],
  ])('says why on %s (exit 1)', async (_what, headers, body, key, reason) => {
    const run = await verify(headers, body, key ? [key[0]!, file(key[1]!)] : undefined);
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([expect.stringContaining(reason)]);
  });

  it('refuses a command line without exactly one WeChat Pay key (exit 2)', async () => {
    expect((await verify('headers.txt', 'body.json', [])).code).toBe(2);
    const both = ['--public-key', file('pub.pem'), '--cert', file('platform-cert.pem')];
    expect((await verify('headers.txt', 'body.json', both)).code).toBe(2);
  });

  it('decrypt opens the resource of a whole notification body', async () => {
    const run = await runCli(['decrypt', '--key', fixtures.apiV3Key, file('body.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ out_trade_no: 'VERIFYV3000001', amount: { total: 990 } });
    const wrongKey = await runCli(['decrypt', '--key', `b${fixtures.apiV3Key.slice(1)}`, file('body.json')]);
    expect(wrongKey.code).toBe(1);
  });
});
