import { sha1Hex } from '../crypto/hash.js';
import { nonceStr, unixSeconds } from '../crypto/nonce.js';

/**
 * The JS-SDK `wx.config` signature: SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`,
 * lower-case hex. The URL is the page's full URL without its `#fragment` — the usual cause of
 * "invalid signature" in the browser.
 */
export function jssdkSignature(
  ticket: string,
  noncestr: string,
  timestamp: number | string,
  url: string,
): string {
  return sha1Hex(
    `jsapi_ticket=${ticket}&noncestr=${noncestr}&timestamp=${timestamp}&url=${stripFragment(url)}`,
  );
}

/** What `wx.config` needs, apart from `jsApiList`. */
export interface JssdkConfig {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** Builds a fresh `wx.config` parameter set for a page URL. */
export function buildJssdkConfig(
  appId: string,
  ticket: string,
  url: string,
  now: number = Date.now(),
): JssdkConfig {
  const timestamp = unixSeconds(now);
  const nonce = nonceStr(16);
  return { appId, timestamp, nonceStr: nonce, signature: jssdkSignature(ticket, nonce, timestamp, url) };
}

export function stripFragment(url: string): string {
  const i = url.indexOf('#');
  return i === -1 ? url : url.slice(0, i);
}
