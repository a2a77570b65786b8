import { createCipheriv, createDecipheriv } from 'node:crypto';
import { WechatPayDecryptError } from '../errors.js';
import { md5Hex } from './hash.js';

/** v2 refund notifications: key = lower-case hex MD5 of the API key (32 ASCII bytes). */
function refundKey(apiKey: string): Buffer {
  return Buffer.from(md5Hex(apiKey), 'utf8');
}

/** Decrypts a v2 refund notification `req_info` (base64 AES-256-ECB, PKCS#7). */
export function decryptReqInfo(apiKey: string, reqInfo: string): string {
  const data = Buffer.from(reqInfo, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new WechatPayDecryptError(`req_info is not whole AES blocks (${data.length} bytes)`);
  }
  try {
    const decipher = createDecipheriv('aes-256-ecb', refundKey(apiKey), null);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new WechatPayDecryptError('req_info could not be decrypted: wrong API key or altered data', {
      cause,
    });
  }
}

/** Encrypts as WeChat does for `req_info` (test helpers, simulator). */
export function encryptReqInfo(apiKey: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-ecb', refundKey(apiKey), null);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
