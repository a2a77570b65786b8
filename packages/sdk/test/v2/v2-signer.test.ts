import { describe, expect, it } from 'vitest';
import { WechatPaySignatureError } from '../../src/errors.js';
import { v2Sign, v2SignString, v2SignTypeOf, v2Verify } from '../../src/v2/v2-signer.js';

const KEY = '192006250b4c09247ec02edce69f6a2d';
const OFFICIAL = {
  appid: 'wxd930ea5d5a258f4f',
  body: 'test',
  device_info: '1000',
  mch_id: '10000100',
  nonce_str: 'ibuaiVcKdpRxkhJA',
};

function caught(fn: () => unknown): WechatPaySignatureError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WechatPaySignatureError) return err;
    throw err;
  }
  throw new Error('expected a WechatPaySignatureError');
}

describe('v2 sign (GUIDE §7 vectors)', () => {
  it('builds the documented sign string', () => {
    expect(v2SignString(OFFICIAL, KEY)).toBe(
      `appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=${KEY}`,
    );
  });

  it('signs the official example with MD5 and HMAC-SHA256', () => {
    expect(v2Sign(OFFICIAL, KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(v2Sign(OFFICIAL, KEY, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
  });

  it('signs {a: 3, b: 4} with key abc, numbers written as integers', () => {
    expect(v2Sign({ a: 3, b: 4 }, 'abc')).toBe('85566166DABF8B84307C0AF0A7699366');
    expect(v2Sign({ b: '4', a: '3' }, 'abc')).toBe('85566166DABF8B84307C0AF0A7699366');
  });

  it('leaves out sign, empty, undefined and null fields', () => {
    const noisy = { ...OFFICIAL, sign: 'X', attach: '', detail: undefined, goods_tag: null };
    expect(v2Sign(noisy, KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });
});

describe('v2Verify', () => {
  it.each(['MD5', 'HMAC-SHA256'] as const)('accepts its own %s sign and reports the type used', (type) => {
    const signed = {
      ...OFFICIAL,
      sign_type: type,
      sign: v2Sign({ ...OFFICIAL, sign_type: type }, KEY, type),
    };
    expect(v2Verify(signed, KEY)).toBe(type);
  });

  it('uses the caller fallback only when sign_type is absent', () => {
    const hmac = { ...OFFICIAL, sign: v2Sign(OFFICIAL, KEY, 'HMAC-SHA256') };
    expect(v2Verify(hmac, KEY, 'HMAC-SHA256')).toBe('HMAC-SHA256');
    expect(() => v2Verify(hmac, KEY)).toThrow(WechatPaySignatureError);
  });

  it.each(Object.keys(OFFICIAL))('rejects the message when one byte of %s changes', (field) => {
    const signed = { ...OFFICIAL, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' };
    const value = signed[field as keyof typeof OFFICIAL];
    const tampered = {
      ...signed,
      [field]: value.slice(0, -1) + String.fromCharCode(value.charCodeAt(value.length - 1) ^ 1),
    };
    expect(caught(() => v2Verify(tampered, KEY)).reason).toBe('sign-mismatch');
  });

  it('rejects an added field, a one-character change of the sign and a wrong key', () => {
    const signed = { ...OFFICIAL, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' };
    expect(() => v2Verify({ ...signed, attach: 'x' }, KEY)).toThrow(WechatPaySignatureError);
    expect(() => v2Verify({ ...signed, sign: '9A0A8659F005D6984697E2CA0A9CF3B8' }, KEY)).toThrow(
      WechatPaySignatureError,
    );
    expect(() => v2Verify(signed, KEY.replace('1', '2'))).toThrow(WechatPaySignatureError);
  });

  it('says why on mismatch: expected, got and the signed string, with the key masked and absent', () => {
    const err = caught(() => v2Verify({ ...OFFICIAL, sign: 'DEADBEEF' }, KEY));
    expect(err.reason).toBe('sign-mismatch');
    expect(err.message).toContain('expected 9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(err.message).toContain('got DEADBEEF');
    expect(err.message).toContain(
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=***',
    );
    expect(err.detail.expected).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(err.detail.got).toBe('DEADBEEF');
    const everything = `${err.message} ${JSON.stringify(err.detail)} ${err.stack}`;
    expect(everything).not.toContain(KEY);
  });

  it('refuses a message without a sign and an unknown sign_type', () => {
    expect(caught(() => v2Verify(OFFICIAL, KEY)).reason).toBe('missing-sign');
    expect(caught(() => v2Verify({ ...OFFICIAL, sign: 'X', sign_type: 'SHA1' }, KEY)).reason).toBe(
      'unsupported-sign-type',
    );
    expect(v2SignTypeOf({ sign_type: '' }, 'HMAC-SHA256')).toBe('HMAC-SHA256');
  });
});
