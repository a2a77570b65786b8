import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

/** GUIDE §7: AEAD_AES_256_GCM vector. */
const GCM = {
  key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  nonce: 'uluk4a9R25RW',
  aad: 'associatedData',
  ciphertext: 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=',
};

function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

const decrypt = (ciphertext: string, extra: string[] = []) => [
  'decrypt',
  '--key',
  GCM.key,
  '--nonce',
  GCM.nonce,
  '--aad',
  GCM.aad,
  ...extra,
  ciphertext,
];

describe('wxpay decrypt', () => {
  it('decrypts the published ciphertext', async () => {
    const run = await runCli(decrypt(GCM.ciphertext));
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('message');
  });

  it('takes the key from WXPAY_APIV3_KEY and the ciphertext from standard input', async () => {
    const run = await runCli(['decrypt', '--nonce', GCM.nonce, '--aad', GCM.aad, '-'], {
      input: `${GCM.ciphertext}\n`,
      env: { WXPAY_APIV3_KEY: GCM.key },
    });
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('message');
  });

  it.each([0, 3, 6, 10, 22])(
    'rejects the ciphertext with byte %i flipped: exit 1, one line, no key',
    async (i) => {
      const run = await runCli(decrypt(flipByte(GCM.ciphertext, i)));
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.errorLines).toEqual([expect.stringContaining('authentication failed')]);
      expect(run.stderr).not.toContain(GCM.key);
    },
  );

  it.each([
    ['a wrong key', ['--key', `b${GCM.key.slice(1)}`, '--nonce', GCM.nonce, '--aad', GCM.aad]],
    ['a changed nonce', ['--key', GCM.key, '--nonce', 'uluk4a9R25RX', '--aad', GCM.aad]],
    ['changed associated data', ['--key', GCM.key, '--nonce', GCM.nonce, '--aad', 'associatedDatb']],
    ['missing associated data', ['--key', GCM.key, '--nonce', GCM.nonce]],
  ])('rejects %s with exit 1', async (_what, options) => {
    const run = await runCli(['decrypt', ...options, GCM.ciphertext]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([expect.stringContaining('authentication failed')]);
  });

  it('refuses a key that is not 32 bytes without printing it', async () => {
    const shortKey = GCM.key.slice(0, 31);
    const run = await runCli(['decrypt', '--key', shortKey, '--nonce', GCM.nonce, GCM.ciphertext]);
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([expect.stringContaining('APIv3 key must be 32 bytes, got 31')]);
    expect(run.stderr).not.toContain(shortKey);
  });

  it.each([
    ['no key', ['decrypt', '--nonce', GCM.nonce, GCM.ciphertext], 'missing --key (or set WXPAY_APIV3_KEY)'],
    ['no nonce', ['decrypt', '--key', GCM.key, GCM.ciphertext], 'missing --nonce'],
    ['no ciphertext', ['decrypt', '--key', GCM.key, '--nonce', GCM.nonce], 'missing CIPHERTEXT'],
    ['a ciphertext that is not base64', decrypt('not base64!'), 'CIPHERTEXT is not base64'],
  ])('refuses %s with exit 2 and one line', async (_what, argv, reason) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([expect.stringContaining(reason)]);
    expect(run.stderr).not.toContain(GCM.key);
  });
});
