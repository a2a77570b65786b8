import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { safeEqual } from '../crypto/hash.js';
import { WechatPayFormatError, WechatPaySignatureError } from '../errors.js';
import { splitHeader, splitValues, zip } from './bill-csv-fields.js';

/** One line of a bill as {@link readBillCsv} yields it, keyed by its header's column names. */
export type BillCsvLine =
  | { kind: 'row'; values: Record<string, string>; lineNo: number }
  | { kind: 'summary'; values: Record<string, string>; lineNo: number };

/**
 * Bill bytes as they arrive, gunzipped when they are a gzip file (WeChat's digest and the CSV are
 * of the uncompressed file). Chunks are passed on, never gathered, so a bill of any size costs the
 * memory of one chunk.
 */
export async function* uncompressedBill(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const source = body[Symbol.asyncIterator]();
  const first = await source.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  const all = (async function* () {
    yield head;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield Buffer.from(next.value);
    }
  })();
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all;
    return;
  }
  const gunzip = pipeline(Readable.from(all), createGunzip(), () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (cause) {
    throw new WechatPayFormatError('bill looks gzip-compressed but could not be decompressed', { cause });
  }
}

/**
 * Passes the chunks on while hashing them, and throws at the end when their SHA-1 is not the one
 * the signed bill answer promised. A reader must therefore treat what it read as provisional until
 * the iteration ends without an error.
 */
export async function* sha1Checked(
  chunks: AsyncIterable<Buffer>,
  expectedHex: string,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha1');
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
  const actual = hash.digest('hex');
  if (!safeEqual(actual, expectedHex.toLowerCase())) {
    throw new WechatPaySignatureError(
      'hash-mismatch',
      `downloaded bill has SHA1 ${actual}, the signed bill answer promised ${expectedHex}`,
      { expected: expectedHex, actual },
    );
  }
}

/**
 * Parses a bill's CSV line by line as the bytes arrive: the same rules as `parseBillCsv` (a header,
 * back-quoted values, the summary's header and values last), without holding the file. The
 * summary is recognised as the first line after the header that is not back-quoted.
 */
export async function* readBillCsv(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<BillCsvLine> {
  const decoder = new StringDecoder('utf8');
  let columns: string[] | undefined;
  let summaryColumns: string[] | undefined;
  let summarySeen = false;
  let lineNo = 0;
  let carry = '';

  const take = (raw: string): BillCsvLine | undefined => {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') return undefined;
    if (summarySeen) throw new WechatPayFormatError(`bill line ${lineNo} follows the summary line`);
    if (!columns) {
      columns = splitHeader(line);
      return undefined;
    }
    if (summaryColumns) {
      summarySeen = true;
      return { kind: 'summary', values: zip(summaryColumns, splitValues(line, lineNo)), lineNo };
    }
    if (!line.startsWith('`')) {
      summaryColumns = splitHeader(line);
      return undefined;
    }
    return { kind: 'row', values: zip(columns, splitValues(line, lineNo)), lineNo };
  };

  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = take(text.slice(start, text[end - 1] === '\r' ? end - 1 : end));
      if (line) yield line;
      start = end + 1;
    }
    carry = text.slice(start);
  }
  const last = take((carry + decoder.end()).replace(/\r$/, ''));
  if (last) yield last;
  if (!summarySeen) {
    throw new WechatPayFormatError(
      `a bill needs a header, rows and a summary; it ended after ${lineNo} lines`,
    );
  }
}
