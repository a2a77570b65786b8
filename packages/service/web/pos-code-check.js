// The till's check of a scanned payment code (付款码) before anything is sent: WeChat's codes are
// 18 digits starting 10–15. A USB scanner types the digits and Enter; people type spaces, so
// whitespace is dropped. A code is never logged or stored by the page.

/** `{ code }` when `text` is a WeChat payment code, else `{ error: { key, params } }` for the catalogue. */
export function checkAuthCode(text) {
  const code = String(text ?? '').replace(/\s+/g, '');
  if (!code) return { error: { key: 'pos.check.empty' } };
  if (!/^\d{18}$/.test(code)) {
    return { error: { key: 'pos.check.digits', params: { length: code.length } } };
  }
  const prefix = Number(code.slice(0, 2));
  if (prefix < 10 || prefix > 15) return { error: { key: 'pos.check.prefix' } };
  return { code };
}

/** `134567890123456789` → `1345 **** **** **6789`: what the till shows of a code it sent. */
export function maskAuthCode(code) {
  return `${code.slice(0, 4)} **** **** **${code.slice(-4)}`;
}
