import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';

/**
 * The phone page's own barcode and QR encoders (plain browser modules in web/). The QR is checked
 * module for module against the `qrcode` package under every mask; Code 128 against its symbol
 * table's rules and a checksum worked by hand.
 */
const WEB = new URL('../../web/', import.meta.url);
const code128 = (await import(new URL('code128-encoder.js', WEB).href)) as {
  CODE128_PATTERNS: number[][];
  code128Symbols: (digits: string) => number[];
  code128Widths: (digits: string) => number[];
};
const qr = (await import(new URL('qr-encoder.js', WEB).href)) as {
  qrMatrix: (digits: string, mask?: number) => boolean[][];
};

const CODES = [
  '134567890123456789',
  '100000000000000000',
  '159999999999999999',
  '7',
  '12',
  '0123456789012345678901234567890123',
];

describe('the payment code as a QR', () => {
  it.each(CODES)('matches the qrcode package, version 1-M, under every mask: %s', (digits) => {
    for (let mask = 0; mask < 8; mask++) {
      const theirs = QRCode.create(digits, { version: 1, errorCorrectionLevel: 'M', maskPattern: mask as 0 });
      expect(theirs.segments[0]?.mode.id, 'numeric mode').toBe('Numeric');
      const expected = Array.from({ length: 21 }, (_, r) =>
        Array.from({ length: 21 }, (_, c) => theirs.modules.get(r, c) === 1),
      );
      expect(qr.qrMatrix(digits, mask), `mask ${mask}`).toEqual(expected);
    }
  });

  it('picks a mask by itself, and refuses what it cannot hold', () => {
    expect(qr.qrMatrix('134567890123456789')).toHaveLength(21);
    expect(() => qr.qrMatrix('1'.repeat(35))).toThrow(/1–34 digits/);
    expect(() => qr.qrMatrix('13456789012345678x')).toThrow();
  });
});

describe('the payment code as a Code 128 barcode', () => {
  it('has a well-formed symbol table: 11 modules each (STOP 13), 3 bars with an even sum, all distinct', () => {
    const patterns = code128.CODE128_PATTERNS;
    expect(patterns).toHaveLength(107);
    patterns.forEach((p, value) => {
      const bars = p.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
      expect(
        p.reduce((a, b) => a + b, 0),
        `symbol ${value}`,
      ).toBe(value === 106 ? 13 : 11);
      expect(bars % 2, `symbol ${value} bar parity`).toBe(0);
    });
    expect(new Set(patterns.map((p) => p.join(''))).size).toBe(107);
  });

  it('writes 18 digits as START C, nine pairs, the checksum and STOP', () => {
    // 105 + 13·1 + 45·2 + 67·3 + 89·4 + 1·5 + 23·6 + 45·7 + 67·8 + 89·9 = 2560; 2560 mod 103 = 88.
    expect(code128.code128Symbols('134567890123456789')).toEqual([
      105, 13, 45, 67, 89, 1, 23, 45, 67, 89, 88, 106,
    ]);
    expect(code128.code128Widths('134567890123456789').reduce((a, b) => a + b, 0)).toBe(11 * 11 + 13);
    // An odd count ends in code set B: CODE B (100), then "7" as B's value 23.
    expect(code128.code128Symbols('127')).toEqual([105, 12, 100, 23, (105 + 12 + 200 + 69) % 103, 106]);
    expect(() => code128.code128Symbols('12a4')).toThrow(/digits only/);
  });
});
