/** China Standard Time is UTC+8 all year (no daylight saving): WeChat's clock, bills and business days. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** `2026-12-03 10:00:00`: the instant on a Chinese merchant's wall clock, for people to read. */
export function formatChinaTime(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
