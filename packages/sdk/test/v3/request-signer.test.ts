import { execFileSync } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAuthorization, V3RequestSigner } from '../../src/v3/request-signer.js';
import { fixtures } from '../support/fixtures.js';

const signer = new V3RequestSigner({
  mchid: fixtures.mchid,
  serialNo: fixtures.merchantSerial,
  privateKey: fixtures.merchantKey,
});

const work = mkdtempSync(join(tmpdir(), 'v3-signer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const merchantPub = join(work, 'merchant-pub.pem');
writeFileSync(
  merchantPub,
  execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', join(fixtures.dir, 'merchant-cert.pem')]),
);

/** Verifies with the openssl command line, a code path entirely outside Node. */
function opensslVerifies(message: string, signatureBase64: string): boolean {
  const msg = join(work, 'message.bin');
  const sig = join(work, 'signature.bin');
  writeFileSync(msg, message, 'utf8');
  writeFileSync(sig, Buffer.from(signatureBase64, 'base64'));
  try {
    return execFileSync('openssl', ['dgst', '-sha256', '-verify', merchantPub, '-signature', sig, msg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .includes('Verified OK');
  } catch {
    return false;
  }
}

const body = JSON.stringify({ appid: fixtures.appid, description: '测试商品', amount: { total: 1 } });
const url = '/v3/pay/transactions/native';

describe('V3RequestSigner', () => {
  const header = signer.authorization('POST', url, body, 1_795_000_000, 'nonceABC123');
  const parsed = parseAuthorization(header)!;
  const message = `POST\n${url}\n1795000000\nnonceABC123\n${body}\n`;

  it('writes the header in WeChat format and parses back', () => {
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="nonceABC123",signature="[A-Za-z0-9+/]+={0,2}",timestamp="1795000000",serial_no="01E1E0D4CB1630756D00DC25808DD7A4EEBF310C"$/,
    );
    expect(parsed).toMatchObject({
      scheme: 'WECHATPAY2-SHA256-RSA2048',
      mchid: fixtures.mchid,
      nonce_str: 'nonceABC123',
      timestamp: '1795000000',
      serial_no: fixtures.merchantSerial,
    });
  });

  it('signs METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n: openssl dgst -verify agrees', () => {
    expect(opensslVerifies(message, parsed.signature)).toBe(true);
  });

  it('verifies with node crypto against the merchant certificate (second code path)', () => {
    const cert = new X509Certificate(fixtures.merchantCert);
    expect(
      verify('sha256', Buffer.from(message, 'utf8'), cert.publicKey, Buffer.from(parsed.signature, 'base64')),
    ).toBe(true);
  });

  it('covers every part of the message: one change and openssl refuses', () => {
    const variants = [
      message.replace('POST', 'GET'),
      message.replace(url, `${url}?mchid=1`),
      message.replace('1795000000', '1795000001'),
      message.replace('nonceABC123', 'nonceABC124'),
      message.replace('"total":1', '"total":2'),
      message.slice(0, -1),
    ];
    for (const variant of variants) expect(opensslVerifies(variant, parsed.signature)).toBe(false);
  });

  it('signs GET with an empty body line', () => {
    const get = signer.authorization('GET', '/v3/certificates', '', 1_795_000_000, 'n1');
    const sig = parseAuthorization(get)!.signature;
    expect(opensslVerifies('GET\n/v3/certificates\n1795000000\nn1\n\n', sig)).toBe(true);
  });

  it('uses a fresh nonce and the current time by default', () => {
    const a = parseAuthorization(signer.authorization('GET', '/v3/certificates'))!;
    const b = parseAuthorization(signer.authorization('GET', '/v3/certificates'))!;
    expect(a.nonce_str).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.nonce_str).not.toBe(b.nonce_str);
    expect(Math.abs(Number(a.timestamp) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('parseAuthorization refuses headers of another form', () => {
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="2"')).toBeUndefined();
  });
});
