/**
 * The primitives under WeChat Pay's signatures and encryption, for code that speaks the protocol
 * itself (a simulator, a CLI, a gateway with its own transport). A merchant integration needs none
 * of them: the clients and parsers at the package root call them. Import from `@wechatpay-kit/sdk/crypto`.
 */
export { decryptReqInfo, encryptReqInfo } from './crypto/aes-ecb.js';
export { type AeadEnvelope, aesGcmDecrypt, aesGcmEncrypt, apiV3KeyBuffer } from './crypto/aes-gcm.js';
export { hmacSha256Hex, md5Hex, safeEqual, sha1Hex } from './crypto/hash.js';
export { nonceStr, unixSeconds } from './crypto/nonce.js';
export {
  type CertificateInfo,
  type KeyInput,
  loadPrivateKey,
  loadPublicKey,
  parseCertificate,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
  rsaSign,
  rsaVerify,
} from './crypto/rsa.js';
export { signedMessage } from './crypto/signed-message.js';
export { stripFragment } from './platform/jssdk-signature.js';
export {
  type V2Fields,
  type V2SignType,
  v2Sign,
  v2SignString,
  v2SignTypeOf,
  v2Verify,
} from './v2/v2-signer.js';
export { type ParsedAuthorization, parseAuthorization, V3_SIGNATURE_SCHEME } from './v3/request-signer.js';
export { PROBE_SIGNATURE_PREFIX } from './v3/response-verifier.js';
