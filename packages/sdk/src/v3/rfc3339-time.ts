const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** True for an RFC 3339 date-time with an explicit offset that denotes a real instant. */
export function isRfc3339(text: string): boolean {
  return RFC3339.test(text) && !Number.isNaN(Date.parse(text));
}

/**
 * Formats an instant as WeChat writes times (`2026-11-22T20:00:00+08:00`): China Standard Time,
 * whole seconds. Use it for `time_expire`, and it is how notifications carry `create_time`.
 */
export function toRfc3339Beijing(time: number | Date): string {
  const ms = typeof time === 'number' ? time : time.getTime();
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
