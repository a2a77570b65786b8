/**
 * wechatpay-kit SDK: WeChat Pay API v2 (XML) and v3 (JSON), notifications, client pay parameters
 * and the WeChat platform (tokens, JS-SDK, OAuth2, mini-program login). `node:crypto` only, no web
 * framework; every transport, key store and cache is an interface you can replace.
 */

export * from './core/http-client.js';
export * from './core/retry.js';
export * from './crypto/aes-ecb.js';
export * from './crypto/aes-gcm.js';
export * from './crypto/hash.js';
export * from './crypto/nonce.js';
export * from './crypto/rsa.js';
export * from './errors.js';
export * from './platform/index.js';
export * from './v2/index.js';
export * from './v3/index.js';
