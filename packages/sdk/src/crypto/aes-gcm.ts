import { createCipheriv, createDecipheriv } from 'node:crypto';
import { WechatPayConfigError, WechatPayDecryptError } from '../errors.js';

const TAG_LENGTH = 16;

/** The fields of an `AEAD_AES_256_GCM` envelope as WeChat sends them (callbacks, certificates). */
export interface AeadEnvelope {
  nonce: string;
  associatedData?: string | undefined;
  /** base64 of ciphertext with the 16-byte tag appended. */
  ciphertext: string;
}

/**
 * The APIv3 key as a 32-byte buffer. Parsed once per client; a key of another length is the
 * classic misconfiguration (an API v2 key pasted instead), so it is caught up front.
 */
export function apiV3KeyBuffer(apiV3Key: string | Buffer): Buffer {
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key;
  if (key.length !== 32) {
    throw new WechatPayConfigError(`APIv3 key must be 32 bytes, got ${key.length}`);
  }
  return key;
}

/** Decrypts and authenticates an `AEAD_AES_256_GCM` envelope; any tampering fails the tag check. */
export function aesGcmDecrypt(apiV3Key: string | Buffer, envelope: AeadEnvelope): Buffer {
  const key = apiV3KeyBuffer(apiV3Key);
  const data = Buffer.from(envelope.ciphertext ?? '', 'base64');
  if (data.length < TAG_LENGTH) {
    throw new WechatPayDecryptError(
      `AEAD_AES_256_GCM ciphertext too short (${data.length} bytes, tag alone is ${TAG_LENGTH})`,
    );
  }
  if (!envelope.nonce) throw new WechatPayDecryptError('AEAD_AES_256_GCM nonce missing');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
    if (envelope.associatedData) decipher.setAAD(Buffer.from(envelope.associatedData, 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]);
  } catch (cause) {
    throw new WechatPayDecryptError(
      'AEAD_AES_256_GCM authentication failed: wrong APIv3 key, or nonce/associated data/ciphertext altered',
      { cause },
    );
  }
}

/** Encrypts as WeChat does (used by test helpers and the simulator). Returns base64 ciphertext+tag. */
export function aesGcmEncrypt(
  apiV3Key: string | Buffer,
  nonce: string,
  associatedData: string | undefined,
  plaintext: string | Buffer,
): string {
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBuffer(apiV3Key), Buffer.from(nonce, 'utf8'));
  if (associatedData) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return body.toString('base64');
}
