const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** The latest instant a JavaScript Date (and so a stored millisecond timestamp) can hold. */
const MAX_MILLIS = 8.64e15;

/**
 * The one reading of a date-time an API caller sends (RFC 3339, `2024-05-01T08:00:00+08:00`).
 * `new Date()` turns what it cannot represent into an Invalid Date that fails far away (a leap
 * second `…:60Z` reached the SQL layer as NaN); here every field is range-checked, so the answer is
 * either an exact instant or `undefined` — the caller's 400. Lower-case `t`/`z` are read (RFC 3339
 * allows them); digits past milliseconds are dropped, as a Date cannot keep them.
 */
export function parseInstant(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHour = Number(m[10]);
    const offsetMinute = Number(m[11]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const instant = date.getTime() - offsetMinutes * 60_000;
  return Math.abs(instant) <= MAX_MILLIS ? new Date(instant) : undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
