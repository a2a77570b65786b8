/**
 * The reconciliation bench's day, generated the same way on both sides (the simulator's trades in
 * the child, the service's orders in the bench process) so nothing large crosses the IPC channel.
 */

/** Order i's amount in fen: 1.00 to 9.99 yuan. */
export function benchAmount(i) {
  return 100 + ((i * 7919) % 900);
}

/** Order i's payment time within the day (ms after 00:00 China time), spread evenly. */
export function benchOffsetMs(i, count) {
  return Math.floor(((i + 0.5) * 86_400_000) / count);
}
