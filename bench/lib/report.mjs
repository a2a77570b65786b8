/** Plain-text tables: the bench runs in CI logs and terminals, so no colours and no dependencies. */

/**
 * One row per case: throughput, cost, cost relative to the suite's baseline, and the
 * interquartile spread of the rounds (how far to trust the row on this machine).
 */
export function formatTable(results, baselineLabel) {
  const header = ['case', 'ops/s', 'µs/op', baselineLabel, 'spread'];
  const rows = results.map((r) =>
    r.status === 'ok'
      ? [
          r.label,
          grouped(r.opsPerSec),
          r.usPerOp.toFixed(r.usPerOp < 100 ? 2 : 1),
          r.costVsBaseline === undefined ? 'n/a' : `${r.costVsBaseline.toFixed(2)}×`,
          `±${((r.spread * 100) / 2).toFixed(1)}%`,
        ]
      : [r.label, r.status],
  );
  return render(header, rows);
}

/** Headline ratios with their targets; a missed target is reported, never thrown. */
export function formatHeadlines(headlines, valueHeader = 'ratio') {
  const rows = headlines.map((h) => [
    h.label,
    h.value === undefined ? 'n/a' : (h.display ?? `${h.value.toFixed(2)}×`),
    h.target ?? '',
    h.met === undefined ? (h.value === undefined ? 'pending' : '') : h.met ? 'met' : 'MISSED',
  ]);
  return render(['headline', valueHeader, 'target', ''], rows);
}

/** A suite's own table (the service suite measures rates and latencies, not rounds). */
export function formatRows(header, rows) {
  return render(header, rows);
}

function render(header, rows) {
  const full = [header, ...rows].filter((r) => r.length === header.length);
  const widths = header.map((_, i) =>
    Math.max(...(i === 0 ? [header, ...rows] : full).map((r) => width(r[i]))),
  );
  const line = (cells) =>
    cells.length === header.length
      ? cells.map((c, i) => (i === 0 ? pad(c, widths[i]) : padStart(c, widths[i]))).join('  ')
      : `${pad(cells[0], widths[0])}  ${cells[1]}`;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return ['', line(header), rule, ...rows.map(line)].map((l) => `  ${l}`.trimEnd()).join('\n');
}

function grouped(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** Width in code points, so `µ` and `×` count as one column. */
function width(s) {
  return [...String(s)].length;
}

function pad(s, w) {
  return String(s) + ' '.repeat(Math.max(0, w - width(s)));
}

function padStart(s, w) {
  return ' '.repeat(Math.max(0, w - width(s))) + String(s);
}
