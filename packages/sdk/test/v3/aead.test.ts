import { describe, expect, it } from 'vitest';
import { aesGcmDecrypt, aesGcmEncrypt } from '../../src/crypto/aes-gcm.js';
import { WechatPayConfigError, WechatPayDecryptError } from '../../src/errors.js';

// Published AEAD_AES_256_GCM vector (GUIDE §7).
const key = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
const nonce = 'uluk4a9R25RW';
const associatedData = 'associatedData';
const ciphertext = 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=';

describe('AEAD_AES_256_GCM (APIv3 key)', () => {
  it('decrypts the published vector', () => {
    expect(aesGcmDecrypt(key, { nonce, associatedData, ciphertext }).toString('utf8')).toBe('message');
  });

  it('encrypts to the published vector', () => {
    expect(aesGcmEncrypt(key, nonce, associatedData, 'message')).toBe(ciphertext);
  });

  it('refuses a ciphertext with any single byte changed', () => {
    const bytes = Buffer.from(ciphertext, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i]! ^= 0x01;
      expect(() =>
        aesGcmDecrypt(key, { nonce, associatedData, ciphertext: tampered.toString('base64') }),
      ).toThrow(WechatPayDecryptError);
    }
  });

  it('refuses a wrong key, nonce or associated data', () => {
    const wrongKey = `${key.slice(0, -1)}c`;
    expect(() => aesGcmDecrypt(wrongKey, { nonce, associatedData, ciphertext })).toThrow(
      WechatPayDecryptError,
    );
    expect(() => aesGcmDecrypt(key, { nonce: 'uluk4a9R25RX', associatedData, ciphertext })).toThrow(
      WechatPayDecryptError,
    );
    expect(() => aesGcmDecrypt(key, { nonce, associatedData: 'transaction', ciphertext })).toThrow(
      WechatPayDecryptError,
    );
  });

  it('refuses truncated input (tag cut off, or nothing left)', () => {
    const bytes = Buffer.from(ciphertext, 'base64');
    for (const length of [bytes.length - 1, 16, 15, 0]) {
      const cut = bytes.subarray(0, length).toString('base64');
      expect(() => aesGcmDecrypt(key, { nonce, associatedData, ciphertext: cut })).toThrow(
        WechatPayDecryptError,
      );
    }
  });

  it('refuses an APIv3 key of the wrong length as configuration, without echoing it', () => {
    const err = (() => {
      try {
        aesGcmDecrypt('192006250b4c09247ec02edce69f6a2', { nonce, associatedData, ciphertext });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WechatPayConfigError);
    expect(String((err as Error).message)).not.toContain('192006250b4c');
  });
});
