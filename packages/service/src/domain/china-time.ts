/** China Standard Time is UTC+8 all year (no daylight saving): WeChat's clock, bills and business days. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** `2026-12-03 10:00:00`: the instant on a Chinese merchant's wall clock, for people to read. */
export function formatChinaTime(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const DAY_MS = 24 * 3600_000;

/** The China day (`YYYY-MM-DD`) an instant falls on: the day WeChat's bill lists it under. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `text` is a real day written `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).toISOString().slice(0, 10) === text;
}

/** A China day's span `[from, to)` as instants. */
export function chinaDayRange(date: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** The China day `days` after `date` (negative: before). */
export function addChinaDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant `hh:mm` China time on `date`. */
export function chinaTimeOn(date: string, hour: number, minute: number): Date {
  return new Date(chinaDayRange(date).from.getTime() + (hour * 60 + minute) * 60_000);
}
