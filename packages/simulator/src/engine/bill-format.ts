/**
 * Number and text formats shared by the trade and fund-flow bills: yuan from fen, five-decimal fees,
 * UTC+8 times and days, and the back-quoted CSV values WeChat writes.
 */

/** The fee rate used for 手续费 and shown as 费率 (most industries pay 0.6%). */
export const FEE_RATE_PERCENT = 0.6;

/** WeChat's fee on an amount, rounded to the fen. */
export function feeOf(fen: number): number {
  return Math.round((fen * FEE_RATE_PERCENT) / 100);
}

/** Start and end (epoch ms) of a `YYYY-MM-DD` day in UTC+8. */
export function dayRange(date: string): { start: number; end: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`bill date must be YYYY-MM-DD, got "${date}"`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3600_000;
  return { start, end: start + 24 * 3600_000 };
}

/** `yyyy-MM-dd HH:mm:ss` in UTC+8. */
export function beijingDateTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Fen → yuan text with two decimals; amounts in bills are yuan, everywhere else fen. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fees are printed with five decimals (`0.06000`). */
export function feeYuan(fen: number): string {
  return `${yuan(fen)}000`;
}

/** Back-quotes every value; a value's own line breaks are escaped as the bill format specifies. */
export function quoted(values: string[]): string {
  return values.map((v) => `\`${v.replaceAll('\r', '\\r').replaceAll('\n', '\\n')}`).join(',');
}
