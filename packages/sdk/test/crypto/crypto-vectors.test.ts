import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptReqInfo, encryptReqInfo } from '../../src/crypto/aes-ecb.js';
import { aesGcmDecrypt, aesGcmEncrypt, apiV3KeyBuffer } from '../../src/crypto/aes-gcm.js';
import { hmacSha256Hex, md5Hex, safeEqual, sha1Hex } from '../../src/crypto/hash.js';
import { nonceStr } from '../../src/crypto/nonce.js';
import {
  loadPrivateKey,
  loadPublicKey,
  parseCertificate,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
  rsaSign,
  rsaVerify,
} from '../../src/crypto/rsa.js';
import { WechatPayConfigError, WechatPayDecryptError } from '../../src/errors.js';
import { fixtures } from '../support/fixtures.js';

const GCM = {
  key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  nonce: 'uluk4a9R25RW',
  aad: 'associatedData',
  plaintext: 'message',
  ciphertext: 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=',
};

function flipByte(base64: string, index: number): string {
  const buf = Buffer.from(base64, 'base64');
  buf[index] = buf[index]! ^ 0x01;
  return buf.toString('base64');
}

describe('AEAD_AES_256_GCM (GUIDE §7 vector)', () => {
  it('encrypts the published plaintext to the published ciphertext', () => {
    expect(aesGcmEncrypt(GCM.key, GCM.nonce, GCM.aad, GCM.plaintext)).toBe(GCM.ciphertext);
  });

  it('decrypts the published ciphertext', () => {
    const plain = aesGcmDecrypt(GCM.key, {
      nonce: GCM.nonce,
      associatedData: GCM.aad,
      ciphertext: GCM.ciphertext,
    });
    expect(plain.toString('utf8')).toBe(GCM.plaintext);
  });

  it.each([0, 3, 6, 10, 22])('rejects the ciphertext with byte %i flipped', (index) => {
    const tampered = flipByte(GCM.ciphertext, index);
    expect(() =>
      aesGcmDecrypt(GCM.key, { nonce: GCM.nonce, associatedData: GCM.aad, ciphertext: tampered }),
    ).toThrow(WechatPayDecryptError);
  });

  it('rejects a changed nonce, changed associated data and a wrong key', () => {
    const env = { nonce: GCM.nonce, associatedData: GCM.aad, ciphertext: GCM.ciphertext };
    expect(() => aesGcmDecrypt(GCM.key, { ...env, nonce: 'uluk4a9R25RX' })).toThrow(WechatPayDecryptError);
    expect(() => aesGcmDecrypt(GCM.key, { ...env, associatedData: 'associatedDatb' })).toThrow(
      WechatPayDecryptError,
    );
    expect(() => aesGcmDecrypt('b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb', env)).toThrow(WechatPayDecryptError);
  });

  it('rejects truncated ciphertext with a clear message', () => {
    expect(() => aesGcmDecrypt(GCM.key, { nonce: GCM.nonce, ciphertext: 'AAAA' })).toThrow(/too short/);
  });

  it('refuses an APIv3 key of the wrong length without echoing it', () => {
    let error: unknown;
    try {
      apiV3KeyBuffer('secret-but-too-short');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WechatPayConfigError);
    expect(String((error as Error).message)).not.toContain('secret-but-too-short');
  });
});

describe('v2 refund req_info AES-256-ECB (GUIDE §7 vector)', () => {
  const key = '6Q9VX4N3WTBM9G9XBL7H1L9PB9ANHLY8';

  it('decrypts the published req_info', () => {
    expect(decryptReqInfo(key, '/Pe2X0sgRcndZWNJQQmcPw==')).toBe('{"a":3}');
  });

  it('encrypts back to the published req_info', () => {
    expect(encryptReqInfo(key, '{"a":3}')).toBe('/Pe2X0sgRcndZWNJQQmcPw==');
  });

  it('rejects a wrong key and partial blocks', () => {
    expect(() => decryptReqInfo('0Q9VX4N3WTBM9G9XBL7H1L9PB9ANHLY8', '/Pe2X0sgRcndZWNJQQmcPw==')).toThrow(
      WechatPayDecryptError,
    );
    expect(() => decryptReqInfo(key, 'AAAA')).toThrow(/whole AES blocks/);
  });
});

describe('hashes', () => {
  it('match well-known digests', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('safeEqual compares exactly', () => {
    expect(safeEqual('ABC', 'ABC')).toBe(true);
    expect(safeEqual('ABC', 'ABD')).toBe(false);
    expect(safeEqual('ABC', 'ABCD')).toBe(false);
  });
});

describe('RSA', () => {
  const privateKey = loadPrivateKey(fixtures.merchantKey);
  const publicKey = loadPublicKey(fixtures.merchantCert);

  it('signs and verifies, and refuses one changed byte of message or signature', () => {
    const signature = rsaSign(privateKey, 'POST\n/v3/pay/transactions/native\n1\nabc\n{}\n');
    expect(rsaVerify(publicKey, 'POST\n/v3/pay/transactions/native\n1\nabc\n{}\n', signature)).toBe(true);
    expect(rsaVerify(publicKey, 'POST\n/v3/pay/transactions/native\n1\nabd\n{}\n', signature)).toBe(false);
    expect(
      rsaVerify(publicKey, 'POST\n/v3/pay/transactions/native\n1\nabc\n{}\n', flipByte(signature, 5)),
    ).toBe(false);
    expect(rsaVerify(publicKey, 'x', '')).toBe(false);
    expect(rsaVerify(publicKey, 'x', 'not base64 at all!')).toBe(false);
  });

  it('round-trips RSA-OAEP and refuses the wrong private key', () => {
    const ciphertext = rsaOaepEncrypt(publicKey, '张三');
    expect(rsaOaepDecrypt(privateKey, ciphertext)).toBe('张三');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => rsaOaepDecrypt(other, ciphertext)).toThrow(WechatPayDecryptError);
  });

  it('reads the serial number of a certificate as WeChat prints it', () => {
    const info = parseCertificate(fixtures.merchantCert);
    expect(info.serialNo).toBe(fixtures.merchantSerial);
    expect(info.notAfter.getTime()).toBeGreaterThan(info.notBefore.getTime());
  });

  it('reports unparsable keys as configuration errors without echoing them', () => {
    const bogus = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----';
    expect(() => loadPrivateKey(bogus)).toThrow(WechatPayConfigError);
    try {
      loadPrivateKey(bogus);
    } catch (err) {
      expect((err as Error).message).not.toContain('c2VjcmV0');
    }
    expect(() => loadPrivateKey(loadPublicKey(fixtures.merchantCert))).toThrow(/expected a private key/);
  });
});

describe('nonceStr', () => {
  it('is alphanumeric of the asked length and not repeated', () => {
    const a = nonceStr();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(nonceStr(16)).toHaveLength(16);
    expect(nonceStr()).not.toBe(a);
  });
});
