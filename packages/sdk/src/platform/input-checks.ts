import { WechatPayConfigError, WechatPayValidationError } from '../errors.js';

/** A constructor option that must be a non-blank string (appid, secret). */
export function requireSetting(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WechatPayConfigError(`${name} is required (a non-empty string)`);
  }
  return value;
}

/** A call argument that must be a non-blank string; refused before anything is sent. */
export function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WechatPayValidationError(name, `${name} is required (a non-empty string)`);
  }
  return value;
}

/**
 * Accepts only an absolute http(s) URL. The string itself is returned untouched: WeChat signs and
 * compares URLs byte for byte, so normalising one (adding a `/`, re-encoding) would break it.
 */
export function requireHttpUrl(value: unknown, name: string): string {
  const text = requireText(value, name);
  if (!/^https?:\/\/[^/?#\s]/i.test(text) || /\s/.test(text) || !URL.canParse(text)) {
    throw new WechatPayValidationError(
      name,
      `${name} must be an absolute http(s) URL, got ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return text;
}
