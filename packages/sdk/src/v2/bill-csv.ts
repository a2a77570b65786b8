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
 * Parses the CSV of `downloadbill`. WeChat prefixes every data value with a back-quote (so
 * spreadsheets keep long order numbers as text); splitting on "," + back-quote rather than on
 * "," also keeps a product name that contains a comma in one piece. The last two lines are the
 * summary's header and values. Amounts stay text: they are yuan with decimals, not fen.
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

function splitHeader(line: string): string[] {
  return line.split(',').map((name) => name.trim());
}

function splitValues(line: string, lineNo: number): string[] {
  if (!line.startsWith('`')) {
    throw new WechatPayFormatError(`bill line ${lineNo} does not start with a back-quote: not a data line`);
  }
  return line.slice(1).split(',`');
}

function zip(columns: string[], values: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  columns.forEach((name, i) => {
    record[name] = values[i] ?? '';
  });
  return record;
}
