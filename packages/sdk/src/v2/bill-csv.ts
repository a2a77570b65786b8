import { splitHeader, splitValues, zip } from '../core/bill-csv-fields.js';
import { WechatPayFormatError } from '../errors.js';

/** A v2 bill split into its two tables, every value as WeChat wrote it minus the back-quote. */
export interface V2Bill {
  columns: string[];
  /** One object per transaction line, keyed by the header's column names. */
  rows: Record<string, string>[];
  summaryColumns: string[];
  /** The totals line (order count, amounts in yuan as text), keyed by its own header. */
  summary: Record<string, string>;
}

/**
 * Parses the CSV of a bill (v2 `downloadbill`, a v3 bill download) held whole; `readBillCsv` reads
 * one as it streams. Every data value is back-quoted; the last two lines are the summary's header
 * and values. Amounts stay text: they are yuan with decimals, not fen.
 */
export function parseBillCsv(text: string): V2Bill {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (lines.length < 3) {
    throw new WechatPayFormatError(
      `a bill needs a header, a summary header and a summary line; got ${lines.length} lines`,
    );
  }
  const columns = splitHeader(lines[0]!);
  const summaryColumns = splitHeader(lines[lines.length - 2]!);
  const rows = lines.slice(1, -2).map((line, i) => zip(columns, splitValues(line, i + 2)));
  return {
    columns,
    rows,
    summaryColumns,
    summary: zip(summaryColumns, splitValues(lines[lines.length - 1]!, lines.length)),
  };
}
