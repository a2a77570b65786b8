import { CHINA_OFFSET_MS } from '../../domain/index.js';

/**
 * v2 writes instants as `yyyyMMddHHmmss` in China Standard Time (UTC+8, no daylight saving); v3 uses
 * RFC 3339 and the SDK's `toRfc3339Beijing`. Kept apart so the gateway reads as calls, not date maths.
 */

/** `20261122200000` for 2026-11-22 12:00:00 UTC. */
export function toChinaCompactTime(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Reads `yyyyMMddHHmmss` (UTC+8); `undefined` when absent or malformed. */
export function fromChinaCompactTime(text: string | undefined): Date | undefined {
  const m = text === undefined ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - CHINA_OFFSET_MS);
}

/** Reads v2 refund times `yyyy-MM-dd HH:mm:ss` (UTC+8) through the compact form. */
export function fromChinaDashedTime(text: string | undefined): Date | undefined {
  return fromChinaCompactTime(text?.replace(/[-: ]/g, ''));
}

/** Reads v3's RFC 3339 instants; `undefined` when absent or malformed. */
export function fromRfc3339(text: string | undefined): Date | undefined {
  const at = text ? new Date(text) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}
