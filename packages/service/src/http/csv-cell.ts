/** Excel opens UTF-8 CSV as Chinese text only with the byte-order mark. */
export const CSV_BOM = '\uFEFF';

/**
 * One CSV cell, RFC 4180 quoting. A text cell that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR) gets a leading `'`: product names are the merchant's, but openids, searches
 * and WeChat's bill values are not.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
