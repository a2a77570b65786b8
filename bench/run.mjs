/**
 * `npm run bench`: runs every suite in this one process, prints one table per suite plus the
 * headline ratios, and writes the same numbers to bench/results/latest.json. Nothing here fails:
 * a target that is missed is printed as missed, because timings are not a test.
 *
 * Options (environment): BENCH_SUITE=v3-sign-verify|v2-notify|service|service-postgres|reconciliation|payment-code|service-instances|live-checkouts
 * to run one suite (several: comma-separated); BENCH_ROUNDS,
 * BENCH_ROUND_MS, BENCH_WARMUP_MS to trade time for stability.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { defaultOptions, measure, pairedRatio } from './lib/measure.mjs';
import { formatHeadlines, formatRows, formatTable } from './lib/report.mjs';

const SUITES = {
  'v3-sign-verify': () => import('./suites/v3-sign-verify.mjs'),
  'v2-notify': () => import('./suites/v2-notify.mjs'),
  service: () => import('./suites/service.mjs'),
  'service-postgres': () => import('./suites/service-postgres.mjs'),
  reconciliation: () => import('./suites/reconciliation.mjs'),
  'payment-code': () => import('./suites/payment-code.mjs'),
  'service-instances': () => import('./suites/service-instances.mjs'),
  'live-checkouts': () => import('./suites/live-checkouts.mjs'),
};

const environment = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  openssl: process.versions.openssl,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism?.() ?? os.cpus().length,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  options: defaultOptions,
};

const selected = process.env.BENCH_SUITE ? process.env.BENCH_SUITE.split(',') : Object.keys(SUITES);
const unknown = selected.filter((id) => !SUITES[id]);
if (unknown.length > 0) {
  console.error(`unknown BENCH_SUITE ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

console.log('wechatpay-kit bench');
console.log(`date ${environment.date}`);
console.log(`node ${environment.node} (V8 ${environment.v8}, OpenSSL ${environment.openssl})`);
console.log(`cpu  ${environment.cpu} × ${environment.cores}, ${environment.platform}`);
console.log(
  `method: ${defaultOptions.rounds} interleaved rounds of ~${defaultOptions.roundMs} ms per case; ` +
    'µs = median of rounds, ratios = median of per-round ratios; compare ratios within one run only',
);

const started = performance.now();
const suites = [];
for (const id of selected) {
  const module = await SUITES[id]();
  if (module.runSuite) {
    suites.push(await runWholeSuite(module));
    continue;
  }
  const suite = await module.createSuite();
  const results = await measure(suite.cases, defaultOptions);
  const byId = new Map(results.map((r) => [r.id, r]));
  const baseline = byId.get(suite.baselineId);
  for (const r of results) r.costVsBaseline = pairedRatio(r, baseline);
  const headlines = suite.headlines(byId).map((h) => ({ ...h, met: targetMet(h) }));

  console.log(`\n${suite.title}`);
  for (const note of suite.notes) console.log(`  ${note}`);
  console.log(formatTable(results, suite.baselineLabel));
  console.log(formatHeadlines(headlines));
  suites.push({
    id: suite.id,
    title: suite.title,
    notes: suite.notes,
    baseline: suite.baselineId,
    results,
    headlines,
  });
}

const seconds = (performance.now() - started) / 1000;
console.log(`\ndone in ${seconds.toFixed(1)} s`);

const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('latest.json', out), `${JSON.stringify({ environment, seconds, suites }, null, 2)}\n`);
console.log('results written to bench/results/latest.json');

/** A suite that measures itself (rates, latencies) instead of interleaved rounds. */
async function runWholeSuite(module) {
  const suite = await module.runSuite();
  const headlines = suite.headlines.map((h) => ({ ...h, met: targetMet(h) }));
  console.log(`\n${suite.title}`);
  for (const note of suite.notes) console.log(`  ${note}`);
  console.log(formatRows(suite.header, suite.rows));
  console.log(formatHeadlines(headlines, 'value'));
  return { ...suite, headlines };
}

function targetMet(h) {
  if (h.value === undefined) return undefined;
  if (h.max !== undefined) return h.value <= h.max;
  if (h.min !== undefined) return h.value >= h.min;
  return undefined;
}
