import { describe, expect, it } from 'vitest';
import { ipAddressBytes, isDnsName } from '../../src/pki/host-names.js';

const hex = (text: string) => ipAddressBytes(text)?.toString('hex');

describe('ipAddressBytes', () => {
  it('gives the network-order bytes of IPv4 and IPv6 addresses', () => {
    expect(hex('127.0.0.1')).toBe('7f000001');
    expect(hex('::1')).toBe(`${'00'.repeat(15)}01`);
    expect(hex('[::1]')).toBe(`${'00'.repeat(15)}01`);
    expect(hex('::')).toBe('00'.repeat(16));
    expect(hex('fe80::')).toBe(`fe80${'00'.repeat(14)}`);
    expect(hex('2001:db8:1:2:3:4:5:6')).toBe('20010db8000100020003000400050006');
    expect(hex('2001:DB8::8:800:200C:417A')).toBe('20010db80000000000080800200c417a');
    expect(hex('::ffff:10.0.0.7')).toBe(`${'00'.repeat(10)}ffff0a000007`);
  });

  it('returns undefined for DNS names, zone ids and malformed addresses', () => {
    for (const text of [
      'localhost',
      'api.mch.weixin.qq.com',
      'fe80::1%eth0',
      '1.2.3',
      '256.0.0.1',
      ':::1',
      '',
    ]) {
      expect(ipAddressBytes(text), text).toBeUndefined();
    }
  });
});

describe('isDnsName', () => {
  it('accepts LDH names and one leading wildcard, nothing else', () => {
    for (const name of ['localhost', 'api.mch.weixin.qq.com', '*.example.com', 'a-b.c1']) {
      expect(isDnsName(name), name).toBe(true);
    }
    for (const name of [
      '',
      'exa mple.com',
      '-a.com',
      'a-.com',
      'a..b',
      '*.*.com',
      'a.*.com',
      'bücher.de',
      `${'a'.repeat(64)}.com`,
    ]) {
      expect(isDnsName(name), name).toBe(false);
    }
  });
});
