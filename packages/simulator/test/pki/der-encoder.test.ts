import { WechatPayValidationError } from '@wechatpay-kit/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { der } from '../../src/pki/der-encoder.js';
import { openssl, temporaryDirectory } from './pki-test-support.js';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('der', () => {
  it('encodes INTEGER in minimal two’s complement, adding a zero byte only before a set top bit', () => {
    expect(hex(der.integer(0))).toBe('020100');
    expect(hex(der.integer(127))).toBe('02017f');
    expect(hex(der.integer(128))).toBe('02020080');
    expect(hex(der.integer(255))).toBe('020200ff');
    expect(hex(der.integer(256))).toBe('02020100');
    expect(hex(der.integer(-1))).toBe('0201ff');
    expect(hex(der.integer(-128))).toBe('020180');
    expect(hex(der.integer(-129))).toBe('0202ff7f');
    expect(hex(der.integer(1n << 64n))).toBe('0209010000000000000000');
  });

  it('encodes an unsigned hex INTEGER, dropping redundant leading zeros', () => {
    expect(hex(der.integerFromHex('ff'))).toBe('020200ff');
    expect(hex(der.integerFromHex('0000ff'))).toBe('020200ff');
    expect(hex(der.integerFromHex('0A11'))).toBe('02020a11');
    expect(hex(der.integerFromHex('7F'))).toBe('02017f');
    expect(() => der.integerFromHex('12g4')).toThrow(WechatPayValidationError);
    expect(() => der.integerFromHex('')).toThrow(WechatPayValidationError);
  });

  it('uses the short length form below 128 and the long form from 128 on', () => {
    expect(hex(der.length(0))).toBe('00');
    expect(hex(der.length(127))).toBe('7f');
    expect(hex(der.length(128))).toBe('8180');
    expect(hex(der.length(255))).toBe('81ff');
    expect(hex(der.length(256))).toBe('820100');
    expect(hex(der.length(65535))).toBe('82ffff');
    expect(hex(der.length(65536))).toBe('83010000');
    expect(hex(der.octetString(Buffer.alloc(300)).subarray(0, 4))).toBe('0482012c');
    expect(() => der.length(-1)).toThrow(WechatPayValidationError);
  });

  it('encodes OBJECT IDENTIFIERs in base 128 and rejects impossible ones', () => {
    expect(hex(der.objectIdentifier('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(hex(der.objectIdentifier('2.5.29.17'))).toBe('0603551d11');
    expect(hex(der.objectIdentifier('2.999.3'))).toBe('0603883703'); // X.690 §8.19.5 example
    for (const bad of ['3.1', '1.40', '1', 'a.b', '1..2']) {
      expect(() => der.objectIdentifier(bad)).toThrow(WechatPayValidationError);
    }
  });

  it('encodes BOOLEAN, NULL, OCTET STRING and BIT STRING', () => {
    expect(hex(der.boolean(true))).toBe('0101ff');
    expect(hex(der.boolean(false))).toBe('010100');
    expect(hex(der.null())).toBe('0500');
    expect(hex(der.octetString(Buffer.from([1, 2])))).toBe('04020102');
    expect(hex(der.bitString(Buffer.from([1, 2])))).toBe('0303000102');
    expect(() => der.bitString(Buffer.from([1]), 8)).toThrow(WechatPayValidationError);
  });

  it('encodes named bits without trailing zero bits (keyUsage)', () => {
    expect(hex(der.namedBits([0, 2]))).toBe('030205a0'); // digitalSignature, keyEncipherment
    expect(hex(der.namedBits([5, 6]))).toBe('03020106'); // keyCertSign, cRLSign
    expect(hex(der.namedBits([0]))).toBe('03020780');
    expect(hex(der.namedBits([8]))).toBe('0303070080');
    expect(hex(der.namedBits([]))).toBe('030100');
  });

  it('encodes UTF8String, PrintableString and IA5String, refusing characters outside each alphabet', () => {
    expect(hex(der.utf8String('财付通'))).toBe('0c09e8b4a2e4bb98e9809a');
    expect(hex(der.printableString('CN'))).toBe('1302434e');
    expect(hex(der.ia5String('a.b'))).toBe('1603612e62');
    expect(() => der.printableString('a@b')).toThrow(WechatPayValidationError);
    expect(() => der.ia5String('bücher.de')).toThrow(WechatPayValidationError);
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050, without fractions', () => {
    const end2049 = new Date('2049-12-31T23:59:59.999Z');
    const start2050 = new Date('2050-01-01T00:00:00Z');
    expect(der.utcTime(end2049).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(der.time(end2049)).toEqual(der.utcTime(end2049));
    expect(der.time(start2050).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(der.time(new Date('1949-06-01T00:00:00Z'))[0]).toBe(0x18);
    expect(() => der.utcTime(start2050)).toThrow(WechatPayValidationError);
    expect(() => der.time(new Date(Number.NaN))).toThrow(WechatPayValidationError);
  });

  it('tags context-specific elements explicitly (wrapping) and implicitly (retagging)', () => {
    expect(hex(der.explicit(0, der.integer(2)))).toBe('a003020102');
    expect(hex(der.explicit(3, der.sequence()))).toBe('a3023000');
    expect(hex(der.implicit(2, der.ia5String('a')))).toBe('820161');
    expect(hex(der.implicit(0, der.sequence(der.null())))).toBe('a0020500');
    expect(() => der.explicit(31, der.null())).toThrow(WechatPayValidationError);
  });

  it('sorts SET OF elements by their encoding', () => {
    expect(hex(der.set(der.integer(2), der.integer(1)))).toBe('3106020101020102');
    expect(hex(der.sequence(der.integer(2), der.integer(1)))).toBe('3006020102020101');
  });

  describe('read back by openssl asn1parse', () => {
    const dir = temporaryDirectory();
    afterAll(() => dir.remove());

    it('parses a structure with long-form lengths and every element type', () => {
      const structure = der.sequence(
        der.integerFromHex('00C0FFEE'),
        der.objectIdentifier('1.2.840.113549.1.1.11'),
        der.null(),
        der.boolean(true),
        der.namedBits([5, 6]),
        der.octetString(Buffer.alloc(70_000, 0xab)),
        der.set(der.utf8String('微信支付'), der.printableString('CN')),
        der.time(new Date('2030-05-06T07:08:09Z')),
        der.time(new Date('2060-05-06T07:08:09Z')),
        der.explicit(3, der.sequence()),
        der.implicit(7, der.octetString(Buffer.from([127, 0, 0, 1]))),
      );
      const file = dir.file('structure.der', structure);
      const { ok, output } = openssl(['asn1parse', '-inform', 'DER', '-in', file]);
      expect(ok, output).toBe(true);
      expect(output).toContain(`l=${structure.length - 5} cons: SEQUENCE`);
      expect(output).toMatch(/INTEGER\s+:C0FFEE/);
      expect(output).toMatch(/OBJECT\s+:sha256WithRSAEncryption/);
      expect(output).toMatch(/BOOLEAN\s+:255/);
      expect(output).toContain('l=70000 prim: OCTET STRING');
      expect(output).toMatch(/PRINTABLESTRING\s+:CN/);
      expect(output).toMatch(/UTCTIME\s+:300506070809Z/);
      expect(output).toMatch(/GENERALIZEDTIME\s+:20600506070809Z/);
      expect(output).toMatch(/cont \[ 3 \]/);
      expect(output).toMatch(/cont \[ 7 \]/);
    });
  });
});
