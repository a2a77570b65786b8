/**
 * Start-up check shared by every transition table (orders, refunds): each target is a known state
 * and every state is reachable from the initial one. Machine-specific rules (a paid order never
 * closes, a settled refund never moves) are checked by the caller on top of this.
 */
export function assertWellFormedMachine(
  name: string,
  table: Readonly<Record<string, readonly string[]>>,
  initial: string,
): void {
  const states = new Set(Object.keys(table));
  for (const [from, targets] of Object.entries(table)) {
    for (const to of targets) {
      if (!states.has(to)) throw new Error(`${name} state machine: ${from} → ${to} names an unknown state`);
    }
  }
  const reached = reachableFrom(table, initial);
  const unreachable = [...states].filter((s) => !reached.has(s));
  if (unreachable.length > 0) throw new Error(`${name} state machine: unreachable ${unreachable.join(', ')}`);
}

/** Every state reachable from `start` (itself included). */
export function reachableFrom(
  table: Readonly<Record<string, readonly string[]>>,
  start: string,
): Set<string> {
  const reached = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of table[queue.shift()!] ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}
