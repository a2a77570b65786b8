import { WechatPayFormatError } from '../errors.js';

/** A bill header line: plain comma-separated column names. */
export function splitHeader(line: string): string[] {
  return line.split(',').map((name) => name.trim());
}

/**
 * A bill data line. WeChat prefixes every value with a back-quote (so spreadsheets keep long order
 * numbers as text); splitting on "," + back-quote rather than on "," also keeps a product name
 * that contains a comma in one piece.
 */
export function splitValues(line: string, lineNo: number): string[] {
  if (!line.startsWith('`')) {
    throw new WechatPayFormatError(`bill line ${lineNo} does not start with a back-quote: not a data line`);
  }
  return line.slice(1).split(',`');
}

/** Values keyed by their column names; a missing value is the empty string. */
export function zip(columns: readonly string[], values: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) record[columns[i]!] = values[i] ?? '';
  return record;
}
