import type { ReceivedNotification } from './ports.js';

/** Characters of an unverified body kept: enough to see what was sent, not a storage channel. */
export const UNVERIFIED_BODY_LIMIT = 2048;
const HEADER_VALUE_LIMIT = 256;
const HEADER_COUNT_LIMIT = 16;
const OUTCOME_LIMIT = 512;

/**
 * The entry as it may be stored. A verified notification is WeChat's and stays whole (a dispute
 * re-verifies its exact bytes); an unverified one is whatever anybody posted, so its body, header
 * values and outcome (a sign-mismatch reason quotes the signed fields) are cut to a bound, saying
 * how much was received.
 */
export function storableNotification(entry: ReceivedNotification): ReceivedNotification {
  if (entry.verified) return entry;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers).slice(0, HEADER_COUNT_LIMIT)) {
    headers[name] = cut(value, HEADER_VALUE_LIMIT);
  }
  return {
    ...entry,
    rawBody: cut(entry.rawBody, UNVERIFIED_BODY_LIMIT),
    headers,
    outcome: cut(entry.outcome, OUTCOME_LIMIT),
  };
}

function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}…[cut: ${text.length} characters received]`;
}
