import { WechatPayValidationError } from '@wechatpay-kit/sdk';

/**
 * The handful of ASN.1 DER encodings an X.509 issuer needs. `node:crypto` can sign and parse
 * certificates but cannot build one, and pulling in node-forge for ~150 lines is not worth a
 * dependency. Every function returns one complete TLV, so structures compose by nesting calls.
 * DER (not BER) matters: a signature covers these exact bytes, and verifiers re-encode nothing.
 */
export const der = {
  sequence: (...elements: Buffer[]): Buffer => tlv(0x30, Buffer.concat(elements)),

  /** SET OF: DER requires the elements in ascending byte order, whatever order they are given in. */
  set: (...elements: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...elements].sort(Buffer.compare))),

  /** Two's complement, minimal: a leading 0x00 only when the top bit would otherwise read as a sign. */
  integer: (value: bigint | number): Buffer => tlv(0x02, integerContents(BigInt(value))),

  /** An unsigned magnitude given in hex (certificate serials are written this way). */
  integerFromHex: (hex: string): Buffer => {
    if (!/^[0-9a-fA-F]+$/.test(hex)) throw invalid('integer', 'expected a hexadecimal string');
    return tlv(0x02, integerContents(BigInt(`0x${hex}`)));
  },

  boolean: (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00])),

  null: (): Buffer => tlv(0x05, Buffer.alloc(0)),

  objectIdentifier: (oid: string): Buffer => tlv(0x06, oidContents(oid)),

  /** `unusedBits` counts the padding bits at the end of the last byte (0 for keys and signatures). */
  bitString: (bytes: Buffer, unusedBits = 0): Buffer => {
    if (
      !Number.isInteger(unusedBits) ||
      unusedBits < 0 ||
      unusedBits > 7 ||
      (bytes.length === 0 && unusedBits)
    ) {
      throw invalid('bitString', 'unused bits must be 0..7, and 0 for an empty bit string');
    }
    return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
  },

  /**
   * A named-bit BIT STRING such as keyUsage, given the numbers of the bits that are set (bit 0 is
   * the most significant bit of the first byte). DER drops trailing zero bits, so the length and
   * the unused-bit count depend on the highest bit set.
   */
  namedBits: (bits: readonly number[]): Buffer => {
    if (bits.some((bit) => !Number.isInteger(bit) || bit < 0)) {
      throw invalid('namedBits', 'bit numbers must be non-negative integers');
    }
    if (bits.length === 0) return der.bitString(Buffer.alloc(0));
    const highest = Math.max(...bits);
    const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
    for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
    return der.bitString(bytes, 7 - (highest & 7));
  },

  octetString: (bytes: Buffer): Buffer => tlv(0x04, bytes),

  utf8String: (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8')),

  /** The restricted alphabet of X.520 PrintableString (country codes must use it). */
  printableString: (text: string): Buffer => {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) {
      throw invalid('printableString', 'contains characters outside the PrintableString alphabet');
    }
    return tlv(0x13, Buffer.from(text, 'latin1'));
  },

  /** ASCII only: DNS names in a subjectAltName are IA5String, so IDNs must arrive punycoded. */
  ia5String: (text: string): Buffer => {
    if ([...text].some((char) => char.charCodeAt(0) > 0x7f)) {
      throw invalid('ia5String', 'contains non-ASCII characters');
    }
    return tlv(0x16, Buffer.from(text, 'latin1'));
  },

  /** `YYMMDDHHMMSSZ`; only defined for 1950–2049. */
  utcTime: (date: Date): Buffer => {
    const year = checkedYear(date);
    if (year < 1950 || year > 2049) throw invalid('utcTime', 'UTCTime only covers the years 1950 to 2049');
    return tlv(0x17, Buffer.from(timeDigits(date).slice(2), 'latin1'));
  },

  /** `YYYYMMDDHHMMSSZ`, without fractional seconds as RFC 5280 requires. */
  generalizedTime: (date: Date): Buffer => {
    const year = checkedYear(date);
    if (year < 0 || year > 9999) throw invalid('generalizedTime', 'year must have four digits');
    return tlv(0x18, Buffer.from(timeDigits(date), 'latin1'));
  },

  /** The X.509 `Time` choice: RFC 5280 demands UTCTime through 2049 and GeneralizedTime from 2050. */
  time: (date: Date): Buffer => {
    const year = checkedYear(date);
    return year >= 1950 && year <= 2049 ? der.utcTime(date) : der.generalizedTime(date);
  },

  /** `[n] EXPLICIT`: wraps the whole inner TLV in a constructed context-specific tag. */
  explicit: (tagNumber: number, inner: Buffer): Buffer => tlv(0xa0 | checkedTagNumber(tagNumber), inner),

  /**
   * `[n] IMPLICIT`: replaces the inner TLV's tag, keeping its contents and its constructed bit
   * (so `implicit(0, sequence(...))` stays constructed and `implicit(2, ia5String(...))` does not).
   */
  implicit: (tagNumber: number, inner: Buffer): Buffer => {
    const first = inner[0];
    if (first === undefined || (first & 0x1f) === 0x1f) {
      throw invalid('implicit', 'expected one encoded element with a low tag number');
    }
    const retagged = Buffer.from(inner);
    retagged[0] = 0x80 | (first & 0x20) | checkedTagNumber(tagNumber);
    return retagged;
  },

  /** Definite length: short form below 128, otherwise 0x80|count followed by big-endian bytes. */
  length: (length: number): Buffer => {
    if (!Number.isSafeInteger(length) || length < 0)
      throw invalid('length', 'must be a non-negative integer');
    if (length < 0x80) return Buffer.from([length]);
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  },
} as const;

function tlv(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), der.length(contents.length), contents]);
}

function integerContents(value: bigint): Buffer {
  // The smallest byte count whose signed range holds the value, then the value modulo 2^(8n).
  let byteCount = 1;
  while (value >= 1n << BigInt(8 * byteCount - 1) || value < -(1n << BigInt(8 * byteCount - 1))) byteCount++;
  const unsigned = value < 0n ? (1n << BigInt(8 * byteCount)) + value : value;
  return Buffer.from(unsigned.toString(16).padStart(byteCount * 2, '0'), 'hex');
}

function oidContents(oid: string): Buffer {
  if (!/^[0-2](\.\d+)+$/.test(oid)) throw invalid('objectIdentifier', `malformed object identifier "${oid}"`);
  const arcs = oid.split('.').map(BigInt);
  const [first, second, ...rest] = arcs as [bigint, bigint, ...bigint[]];
  if (first < 2n && second > 39n)
    throw invalid('objectIdentifier', `second arc of "${oid}" must be below 40`);
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const groups = [Number(arc & 0x7fn)];
    for (let high = arc >> 7n; high > 0n; high >>= 7n) groups.unshift(Number(high & 0x7fn) | 0x80);
    bytes.push(...groups);
  }
  return Buffer.from(bytes);
}

function timeDigits(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(
    date.getUTCHours(),
  )}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
}

function checkedYear(date: Date): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw invalid('time', 'expected a valid Date');
  return date.getUTCFullYear();
}

function checkedTagNumber(tagNumber: number): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) {
    throw invalid('tagNumber', 'context-specific tag numbers must be 0..30');
  }
  return tagNumber;
}

function invalid(field: string, message: string): WechatPayValidationError {
  return new WechatPayValidationError(field, `DER ${field}: ${message}`);
}
