import { DomainError } from './domain-error.js';

/** An amount of money in fen (分), the only unit the service stores, compares or sends. */
export type Fen = number;

/** Checks that a value is a whole, non-negative number of fen; amounts never pass through floats. */
export function assertFen(value: unknown, what = 'amount'): Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DomainError('INVALID_AMOUNT', `${what} must be a non-negative integer number of fen`);
  }
  return value;
}

/** `¥12.34` from 1234 fen, with integer arithmetic only. */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
