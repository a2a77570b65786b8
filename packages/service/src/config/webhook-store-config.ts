import { type Env, optional } from './env-reader.js';
import { ServiceConfigError } from './service-config-error.js';

/** How webhook endpoints added from the admin are kept and which URLs they may have. */
export interface WebhookStoreConfig {
  /**
   * `WEBHOOK_ENCRYPTION_KEY`: when set (at least 32 characters), endpoint secrets are stored
   * encrypted with it (AES-256-GCM), so a copy of the database alone does not give them away.
   */
  encryptionKey?: string;
  /**
   * `WEBHOOK_ALLOW_HTTP=true`: endpoints may be plain `http://`. Off by default outside demo mode:
   * a webhook carries order data and its signature should not cross networks in the clear.
   */
  allowHttp?: boolean;
}

export function webhookStoreConfigOf(env: Env): WebhookStoreConfig {
  const encryptionKey = optional(env, 'WEBHOOK_ENCRYPTION_KEY');
  const allowHttp = optional(env, 'WEBHOOK_ALLOW_HTTP');
  return {
    ...(encryptionKey === undefined ? {} : { encryptionKey }),
    ...(allowHttp === undefined ? {} : { allowHttp: allowHttp === '1' || allowHttp === 'true' }),
  };
}

export function validateWebhookStore(store: WebhookStoreConfig | undefined): void {
  if (store?.encryptionKey !== undefined && store.encryptionKey.length < 32) {
    throw new ServiceConfigError('WEBHOOK_ENCRYPTION_KEY', 'must be at least 32 characters');
  }
}
