export * from './kysely-token-cache.js';
export * from './redis-token-cache.js';
export * from './sdk-wechat-platform.js';
export * from './token-cache-factory.js';
