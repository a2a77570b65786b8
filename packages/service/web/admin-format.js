// Money and time formatting for the admin pages, without floating point: amounts are integer fen.

/**
 * "12.3" / "¥12.30" / "12" → 1230 / 1230 / 1200 fen; anything else (more than two decimals,
 * signs, exponents, empty, over ¥10,000,000) → null. The decimal string is split, never multiplied
 * as a float, so 0.29 yuan is 29 fen and not 28.999….
 */
export function parseYuanToFen(text) {
  const match = /^\s*[¥￥]?\s*(\d{1,8})(?:\.(\d{0,2}))?\s*$/.exec(String(text));
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** 1230 → "¥12.30". */
export function formatFen(fen) {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const pad = (n) => String(n).padStart(2, '0');

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/**
 * An instant in China time, whatever the browser's zone: "2026-11-22 21:05:09". The whole console
 * shows one zone, the one WeChat's bills and the merchant's business days use.
 */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A bucket start as China time: "11-22 21:00" (hours) or "2026-11-22" (days). */
export function chinaLabel(iso, bucket) {
  const d = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return bucket === 'day' ? `${d.getUTCFullYear()}-${day}` : `${day} ${pad(d.getUTCHours())}:00`;
}

/** A date input's value (yyyy-mm-dd) as the instant its China-time day starts, plus `days`. */
export function chinaDayStart(value, days = 0) {
  const ms = Date.parse(`${value}T00:00:00+08:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms + days * 86_400_000).toISOString();
}
