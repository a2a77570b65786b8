const NEWLINE = Buffer.from('\n');

/**
 * The message every v3 signature covers: each line followed by `\n`, the last one included.
 * Request signatures, answer and callback signatures and client pay parameters all use this one
 * shape, so it is built in one place; a missing trailing newline is the usual `SIGN_ERROR`.
 * Strings give a string; a Buffer line (a raw body, signed byte for byte) gives a Buffer.
 */
export function signedMessage(...lines: string[]): string;
export function signedMessage(...lines: (string | Buffer)[]): string | Buffer;
export function signedMessage(...lines: (string | Buffer)[]): string | Buffer {
  if (lines.every((line) => typeof line === 'string')) return `${lines.join('\n')}\n`;
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, NEWLINE);
  return Buffer.concat(parts);
}
