/**
 * Where a phase's CPU went, from the V8 CPU profile `BENCH_PROFILE` records: every sample is put
 * in the first bucket that claims a frame of its stack, innermost first, so the time a library
 * spends on behalf of the service's code counts for the library. Sampled main-thread time only
 * (GC helper threads and the kernel are not in it), so the buckets add up to a little less than
 * the phase's `process.cpuUsage()`.
 */

const BUCKETS = [
  ['RSA sign', (frame) => frame.functionName === 'signOneShot'],
  ['RSA verify', (frame) => frame.functionName === 'verifyOneShot'],
  ['AES-GCM decrypt', (frame) => frame.functionName === 'aesGcmDecrypt'],
  [
    'database (driver, Kysely, repositories)',
    (frame) => /better-sqlite3|\/pg\/|pg-protocol|kysely|adapters\/persistence/.test(frame.url),
  ],
  ['HTTP client to WeChat (undici)', (frame) => /undici/.test(frame.url)],
  ['SDK (request text, headers, answer checks)', (frame) => /packages\/sdk\/dist/.test(frame.url)],
  [
    'HTTP server (Fastify, node:http, JSON)',
    (frame) =>
      /fastify|find-my-way|avvio|_http_server|_http_incoming|_http_outgoing|secure-json-parse|fast-json-stringify/.test(
        frame.url,
      ),
  ],
  ['service (routes, use cases, domain, events)', (frame) => /packages\/service\/dist/.test(frame.url)],
];
const RUNTIME = 'Node runtime (sockets, streams, timers, promises)';

/** µs per operation for each bucket, largest first, plus `busy` (all but idle). */
export function profileBreakdown(profile, operations) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totals = new Map();
  for (const [id, us] of selfUs) {
    const bucket = bucketOf(id, nodes, parents);
    if (bucket) totals.set(bucket, (totals.get(bucket) ?? 0) + us);
  }
  const rows = [...totals]
    .map(([bucket, us]) => ({ bucket, usPerOp: us / operations }))
    .sort((a, b) => b.usPerOp - a.usPerOp);
  return { rows, busyUsPerOp: rows.reduce((sum, row) => sum + row.usPerOp, 0) };
}

function bucketOf(id, nodes, parents) {
  const own = nodes.get(id).callFrame.functionName;
  if (own === '(idle)') return undefined;
  if (own === '(garbage collector)') return 'garbage collector';
  if (own === '(program)') return 'V8 (compiler, runtime calls)';
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at).callFrame;
    for (const [bucket, claims] of BUCKETS) if (claims(frame)) return bucket;
  }
  return RUNTIME;
}
