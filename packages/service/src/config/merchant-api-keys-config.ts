import { type Env, optional } from './env-reader.js';
import { ServiceConfigError } from './service-config-error.js';

/**
 * One API key of the merchant's own systems (an ERP, a till, an invoicing tool). The name is what
 * orders and logs record — never the key — and what `Idempotency-Key`s are scoped to.
 */
export interface MerchantApiKey {
  name: string;
  key: string;
}

const NAME = /^[A-Za-z0-9_-]{1,32}$/;
/** Printable ASCII without spaces or commas (the list separator). */
const KEY = /^[\x21-\x2B\x2D-\x7E]+$/;
export const MIN_MERCHANT_API_KEY_LENGTH = 24;

/** `MERCHANT_API_KEYS=erp:<key>,till:<key>`; none by default (then orders take catalogue products only). */
export function merchantApiKeysOf(env: Env): MerchantApiKey[] | undefined {
  const raw = optional(env, 'MERCHANT_API_KEYS');
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      if (colon < 1) {
        throw new ServiceConfigError('MERCHANT_API_KEYS', `entry ${i + 1} must be name:key`);
      }
      return { name: entry.slice(0, colon), key: entry.slice(colon + 1) };
    });
}

/** Names unique and plain, keys long and unique; a message names the entry, never a key. */
export function validateMerchantApiKeys(keys: readonly MerchantApiKey[] | undefined): void {
  const names = new Set<string>();
  const values = new Set<string>();
  (keys ?? []).forEach(({ name, key }, i) => {
    const which = `entry ${i + 1}`;
    if (!NAME.test(name)) {
      throw new ServiceConfigError('MERCHANT_API_KEYS', `${which}: the name must be 1–32 of A-Z a-z 0-9 _ -`);
    }
    if (key.length < MIN_MERCHANT_API_KEY_LENGTH || key.length > 256 || !KEY.test(key)) {
      throw new ServiceConfigError(
        'MERCHANT_API_KEYS',
        `${which} (${name}): the key must be ${MIN_MERCHANT_API_KEY_LENGTH}–256 printable characters without spaces or commas`,
      );
    }
    if (names.has(name))
      throw new ServiceConfigError('MERCHANT_API_KEYS', `${which}: the name ${name} repeats`);
    if (values.has(key))
      throw new ServiceConfigError('MERCHANT_API_KEYS', `${which} (${name}): the key repeats`);
    names.add(name);
    values.add(key);
  });
}
