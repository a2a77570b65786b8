/** Instants are stored as epoch milliseconds (PostgreSQL `bigint` may come back as a string). */

/** Epoch ms of a Date, refusing an invalid one rather than storing NaN or NULL. */
export function toMillis(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid date');
  return ms;
}

export function toNullableMillis(date: Date | null): number | null {
  return date === null ? null : toMillis(date);
}

export function toDate(ms: number | string): Date {
  return new Date(Number(ms));
}

export function toNullableDate(ms: number | string | null): Date | null {
  return ms === null ? null : toDate(ms);
}
