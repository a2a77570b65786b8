import {
  constants,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { WechatPayConfigError, WechatPayDecryptError } from '../errors.js';

/** A PEM string, a DER buffer or an already parsed key. */
export type KeyInput = string | Buffer | KeyObject;

/**
 * Parses a private key once. Signing with a PEM string re-parses it every call, which doubles the
 * cost of an RSA signature; every signer in the SDK holds the `KeyObject` returned here.
 */
export function loadPrivateKey(input: KeyInput): KeyObject {
  if (isKeyObject(input)) {
    if (input.type !== 'private') throw new WechatPayConfigError('expected a private key');
    return input;
  }
  try {
    return createPrivateKey(input);
  } catch (cause) {
    throw new WechatPayConfigError(
      'merchant private key could not be parsed (expected PEM, PKCS#8 or PKCS#1)',
      {
        cause,
      },
    );
  }
}

/** Parses a public key, or takes the public key out of an X.509 certificate. */
export function loadPublicKey(input: KeyInput): KeyObject {
  if (isKeyObject(input)) {
    return input.type === 'private' ? createPublicKey(input) : input;
  }
  const text = Buffer.isBuffer(input) ? input.toString('utf8') : input;
  try {
    if (text.includes('BEGIN CERTIFICATE')) return new X509Certificate(text).publicKey;
    return createPublicKey(input);
  } catch (cause) {
    throw new WechatPayConfigError('public key or certificate could not be parsed', { cause });
  }
}

/** What the SDK needs from an X.509 certificate: WeChat names certificates by serial number. */
export interface CertificateInfo {
  /** Upper-case hex, no separators, leading zeros kept as WeChat prints them. */
  serialNo: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

export function parseCertificate(pem: string | Buffer): CertificateInfo {
  try {
    const cert = new X509Certificate(pem);
    return {
      serialNo: cert.serialNumber.toUpperCase(),
      publicKey: cert.publicKey,
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      pem: cert.toString(),
    };
  } catch (cause) {
    throw new WechatPayConfigError('X.509 certificate could not be parsed', { cause });
  }
}

/** SHA256withRSA, base64: v3 request signatures, v3 `paySign`. */
export function rsaSign(privateKey: KeyObject, message: string | Buffer): string {
  return sign(
    'sha256',
    typeof message === 'string' ? Buffer.from(message, 'utf8') : message,
    privateKey,
  ).toString('base64');
}

/** Verifies a base64 SHA256withRSA signature; false (never a throw) for malformed signatures. */
export function rsaVerify(publicKey: KeyObject, message: string | Buffer, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length === 0) return false;
  try {
    return verify(
      'sha256',
      typeof message === 'string' ? Buffer.from(message, 'utf8') : message,
      publicKey,
      signature,
    );
  } catch {
    return false;
  }
}

/** RSAES-OAEP (SHA-1, as WeChat requires) for sensitive fields sent to WeChat. */
export function rsaOaepEncrypt(publicKey: KeyObject, plaintext: string): string {
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(plaintext, 'utf8'),
  ).toString('base64');
}

/** Decrypts a sensitive field WeChat encrypted with the merchant's public key. */
export function rsaOaepDecrypt(privateKey: KeyObject, ciphertextBase64: string): string {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertextBase64, 'base64'),
    ).toString('utf8');
  } catch (cause) {
    throw new WechatPayDecryptError('RSA-OAEP decryption failed: wrong private key or altered ciphertext', {
      cause,
    });
  }
}

function isKeyObject(input: KeyInput): input is KeyObject {
  return input instanceof KeyObject;
}
