import { describe, expect, it } from 'vitest';
import { WechatPayFormatError } from '../../src/errors.js';
import { buildV2Xml, DEFAULT_MAX_XML_BYTES, parseV2Xml } from '../../src/v2/xml-codec.js';

function formatError(body: string | Buffer, options?: Parameters<typeof parseV2Xml>[1]): string {
  try {
    parseV2Xml(body, options);
  } catch (err) {
    expect(err).toBeInstanceOf(WechatPayFormatError);
    return (err as Error).message;
  }
  throw new Error('expected a WechatPayFormatError');
}

describe('parseV2Xml', () => {
  it('reads a WeChat answer: CDATA unwrapped, every value a string, leading zeros kept', () => {
    const xml = `<xml>
      <return_code><![CDATA[SUCCESS]]></return_code>
      <total_fee>0010</total_fee>
      <cash_fee><![CDATA[1]]></cash_fee>
      <attach></attach>
      <empty/>
      <detail><![CDATA[{"goods":[{"id":1}]} & <b>]]></detail>
    </xml>`;
    expect(parseV2Xml(xml)).toEqual({
      return_code: 'SUCCESS',
      total_fee: '0010',
      cash_fee: '1',
      attach: '',
      empty: '',
      detail: '{"goods":[{"id":1}]} & <b>',
    });
  });

  it('accepts a Buffer, an XML declaration and a BOM, and decodes predefined entities', () => {
    const xml = Buffer.from(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?><xml><a>&lt;&amp;&#x4E2D;&#25991;</a></xml>',
    );
    expect(parseV2Xml(xml)).toEqual({ a: '<&中文' });
  });

  it('refuses a billion-laughs entity bomb before parsing it', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><xml><a>&lol3;</a></xml>';
    expect(formatError(bomb)).toMatch(/DOCTYPE or ENTITY/);
  });

  it('refuses XXE (external entity) and a DOCTYPE hidden behind case and whitespace', () => {
    expect(
      formatError('<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>'),
    ).toMatch(/DOCTYPE/);
    expect(formatError('  <!doctype xml><xml><a>1</a></xml>')).toMatch(/DOCTYPE/);
  });

  it('does not mistake "<!DOCTYPE" inside CDATA for a declaration', () => {
    expect(parseV2Xml('<xml><a><![CDATA[<!DOCTYPE html>]]></a></xml>')).toEqual({ a: '<!DOCTYPE html>' });
  });

  it('refuses undeclared entities and bare ampersands', () => {
    expect(formatError('<xml><a>&xxe;</a></xml>')).toMatch(/malformed XML/);
    expect(formatError('<xml><a>a & b</a></xml>')).toMatch(/malformed XML/);
  });

  it('refuses a body over the size cap, default 64 KiB, and honours a configured cap', () => {
    const big = `<xml><a>${'x'.repeat(DEFAULT_MAX_XML_BYTES)}</a></xml>`;
    expect(formatError(big)).toMatch(/exceeds the 65536-byte limit/);
    expect(formatError('<xml><a>12345</a></xml>', { maxBytes: 16 })).toMatch(/exceeds the 16-byte limit/);
    expect(parseV2Xml(big, { maxBytes: 128 * 1024 }).a).toHaveLength(DEFAULT_MAX_XML_BYTES);
  });

  it.each([
    ['unclosed element', '<xml><a>1</xml>', /malformed/],
    ['mismatched tags', '<xml><a>1</b></xml>', /malformed/],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>', /malformed/],
    ['text after the root', '<xml><a>1</a></xml>tail', /malformed/],
    ['not XML at all', '{"return_code":"SUCCESS"}', /malformed/],
    ['an HTML error page', '<html><body>502</body></html>', /root element must be <xml>/],
    ['nested elements', '<xml><a><b>1</b></a></xml>', /nested/],
    ['a repeated field', '<xml><sign>A</sign><sign>B</sign></xml>', /more than once/],
    ['text mixed with fields', '<xml>oops<a>1</a></xml>', /mixes text/],
    ['a prototype-polluting name', '<xml><__proto__>1</__proto__></xml>', /malformed/],
  ])('refuses %s', (_name, body, pattern) => {
    expect(formatError(body)).toMatch(pattern);
  });

  it('refuses an empty body and invalid UTF-8', () => {
    expect(formatError('')).toMatch(/empty/);
    expect(formatError(Buffer.from(' \n '))).toMatch(/empty/);
    expect(
      formatError(
        Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]),
      ),
    ).toMatch(/UTF-8/);
  });

  it('reads another root when asked (refund req_info uses <root>)', () => {
    expect(parseV2Xml('<root><a>1</a></root>', { root: 'root' })).toEqual({ a: '1' });
    expect(formatError('<xml><a>1</a></xml>', { root: 'root' })).toMatch(/must be <root>/);
  });
});

describe('buildV2Xml', () => {
  it('writes every value in CDATA, integers as integers, and skips undefined/null', () => {
    expect(
      buildV2Xml({ return_code: 'SUCCESS', total_fee: 10, attach: undefined, detail: null, empty: '' }),
    ).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee><![CDATA[10]]></total_fee><empty><![CDATA[]]></empty></xml>',
    );
  });

  it('round-trips values containing "]]>", markup and JSON', () => {
    const fields = { a: 'x]]>y', b: ']]>]]>', c: '<xml>&amp;</xml>', d: '{"k":"v"}', e: '中文 ]]' };
    const xml = buildV2Xml(fields);
    expect(xml).toContain('<a><![CDATA[x]]]]><![CDATA[>y]]></a>');
    expect(parseV2Xml(xml)).toEqual(fields);
  });

  it('refuses fractional amounts, invalid names and characters XML cannot carry', () => {
    expect(() => buildV2Xml({ total_fee: 0.01 })).toThrow(WechatPayFormatError);
    expect(() => buildV2Xml({ 'bad name': 'x' })).toThrow(WechatPayFormatError);
    expect(() => buildV2Xml({ a: 'nul\u0000' })).toThrow(WechatPayFormatError);
  });
});
