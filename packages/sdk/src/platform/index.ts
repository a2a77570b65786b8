export * from './access-token-provider.js';
export * from './credential-refresher.js';
export * from './jsapi-ticket-provider.js';
export * from './jssdk-signature.js';
export * from './miniprogram-client.js';
export * from './oauth-client.js';
export * from './platform-client.js';
export * from './token-cache.js';
