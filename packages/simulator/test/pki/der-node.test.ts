import { WechatPayFormatError } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { der } from '../../src/pki/der-encoder.js';
import { DerNode } from '../../src/pki/der-node.js';

describe('DerNode', () => {
  it('walks nested elements and decodes object identifiers', () => {
    const big = Buffer.alloc(1000, 7);
    const node = DerNode.parse(
      der.sequence(
        der.objectIdentifier('2.999.3'),
        der.octetString(big),
        der.objectIdentifier('1.2.840.113549.1.1.11'),
      ),
    );
    const [first, second, third] = node.children();
    expect(first?.objectIdentifier()).toBe('2.999.3');
    expect(second?.contents).toEqual(big);
    expect(second?.encoded).toEqual(der.octetString(big));
    expect(third?.objectIdentifier()).toBe('1.2.840.113549.1.1.11');
    expect(node.child(1, 'octets').tag).toBe(0x04);
  });

  it('rejects truncated, overlong and trailing input with a format error', () => {
    const good = der.sequence(der.integer(1), der.integer(2));
    expect(() => DerNode.parse(good.subarray(0, good.length - 1))).toThrow(WechatPayFormatError);
    expect(() => DerNode.parse(Buffer.concat([good, Buffer.from([0])]))).toThrow(WechatPayFormatError);
    expect(() => DerNode.parse(Buffer.from([0x30, 0x80, 0x00, 0x00]))).toThrow(WechatPayFormatError);
    expect(() => DerNode.parse(Buffer.from([0x30, 0x03, 0x02, 0x05, 0x01])).children()).toThrow(
      WechatPayFormatError,
    );
    expect(() => DerNode.parse(der.integer(1)).children()).toThrow(WechatPayFormatError);
    expect(() => DerNode.parse(good).child(2, 'third integer')).toThrow(/missing third integer/);
    expect(() => DerNode.parse(Buffer.from([0x06, 0x01, 0x88])).objectIdentifier()).toThrow(
      WechatPayFormatError,
    );
  });
});
