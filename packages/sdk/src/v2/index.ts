/** WeChat Pay API v2 (XML): client, codec, signing, mode-1 helpers, notifications and pay parameters. */
export * from '../notify/v2-notification.js';
export * from '../notify/v2-notification-builder.js';
export * from '../pay-params/v2-pay-params.js';
export * from './bill-csv.js';
export * from './native-mode1.js';
export * from './v2-client.js';
export * from './v2-signer.js';
export type * from './v2-types.js';
export * from './xml-codec.js';
