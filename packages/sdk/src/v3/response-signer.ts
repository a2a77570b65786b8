import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { type KeyInput, loadPrivateKey, rsaSign } from '../crypto/rsa.js';
import { signedMessage } from '../crypto/signed-message.js';
import { V3_SIGNATURE_SCHEME } from './request-signer.js';

/** The WeChat Pay side's key: platform certificate key or public-key-mode key, with its serial. */
export interface V3ResponseSigningKey {
  privateKey: KeyInput;
  /** Platform certificate serial, or `PUB_KEY_ID_…`. */
  serial: string;
  now?: () => number;
  nonce?: string;
}

/**
 * Signs a body the way WeChat Pay signs its answers and callbacks (`TIMESTAMP\nNONCE\nBODY\n`) and
 * returns the `Wechatpay-*` headers. For simulators and tests: it lets them produce traffic that
 * the real verifier accepts, without special cases in the code under test.
 */
export function signV3Response(body: string | Buffer, key: V3ResponseSigningKey): Record<string, string> {
  const timestamp = String(unixSeconds((key.now ?? Date.now)()));
  const nonce = key.nonce ?? nonceStr();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': rsaSign(loadPrivateKey(key.privateKey), signedMessage(timestamp, nonce, body)),
    'Wechatpay-Serial': key.serial,
    'Wechatpay-Signature-Type': V3_SIGNATURE_SCHEME,
  };
}
