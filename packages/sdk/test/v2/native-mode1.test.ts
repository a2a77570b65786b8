import { describe, expect, it } from 'vitest';
import { WechatPayFormatError, WechatPaySignatureError, WechatPayValidationError } from '../../src/errors.js';
import {
  buildBizPayUrl,
  buildProductCallbackReply,
  parseProductCallback,
} from '../../src/v2/native-mode1.js';
import { parseV2Xml } from '../../src/v2/xml-codec.js';
import { fixtures } from '../support/fixtures.js';
import { fakeSign, fakeXml } from './support/fake-v2-server.js';

const KEY = fixtures.apiKey;
const NOW = Date.UTC(2024, 0, 1, 4, 0, 0, 789);
const PRODUCT = { appid: fixtures.appid, mch_id: fixtures.mchid, product_id: 'sku-42' };

function query(url: string): Record<string, string> {
  expect(url.startsWith('weixin://wxpay/bizpayurl?')).toBe(true);
  return Object.fromEntries(new URLSearchParams(url.slice(url.indexOf('?') + 1)));
}

describe('buildBizPayUrl', () => {
  it('writes the documented parameters, in order, signed over the other five', () => {
    const url = buildBizPayUrl(PRODUCT, KEY, NOW);
    expect(url).toMatch(
      /^weixin:\/\/wxpay\/bizpayurl\?sign=[0-9A-F]{32}&appid=[^&]+&mch_id=\d+&product_id=sku-42&time_stamp=\d{10}&nonce_str=\w+$/,
    );
    const q = query(url);
    expect(q.time_stamp).toBe('1704081600');
    const { sign, ...signed } = q;
    expect(Object.keys(signed).sort()).toEqual(['appid', 'mch_id', 'nonce_str', 'product_id', 'time_stamp']);
    expect(sign).toBe(fakeSign(signed, KEY));
    expect(sign).not.toBe(fakeSign({ ...signed, product_id: 'sku-43' }, KEY));
  });

  it('uses a fresh nonce each time and refuses an empty product_id', () => {
    expect(query(buildBizPayUrl(PRODUCT, KEY, NOW)).nonce_str).not.toBe(
      query(buildBizPayUrl(PRODUCT, KEY, NOW)).nonce_str,
    );
    expect(() => buildBizPayUrl({ ...PRODUCT, product_id: '' }, KEY)).toThrow(WechatPayValidationError);
  });
});

describe('parseProductCallback', () => {
  const callback = {
    appid: fixtures.appid,
    openid: 'o-scan',
    mch_id: fixtures.mchid,
    is_subscribe: 'N',
    nonce_str: 'abc',
    product_id: 'sku-42',
  };
  const signed = (fields: Record<string, string>) => fakeXml({ ...fields, sign: fakeSign(fields, KEY) });

  it('returns the verified fields', () => {
    expect(parseProductCallback(signed(callback), KEY)).toEqual(callback);
  });

  it('refuses a changed product_id and a missing openid', () => {
    const tampered = signed(callback).replace('sku-42', 'sku-43');
    expect(() => parseProductCallback(tampered, KEY)).toThrow(WechatPaySignatureError);
    const { openid: _drop, ...noOpenid } = callback;
    expect(() => parseProductCallback(signed(noOpenid), KEY)).toThrow(WechatPayFormatError);
  });
});

describe('buildProductCallbackReply', () => {
  it('answers a prepay_id, signed, with exactly the documented fields', () => {
    const reply = parseV2Xml(buildProductCallbackReply({ ...PRODUCT, prepay_id: 'wx2024' }, KEY));
    expect(Object.keys(reply).sort()).toEqual([
      'appid',
      'mch_id',
      'nonce_str',
      'prepay_id',
      'result_code',
      'return_code',
      'sign',
    ]);
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', prepay_id: 'wx2024' });
    expect(reply.sign).toBe(fakeSign(reply, KEY));
  });

  it('answers a failure with err_code_des, still signed', () => {
    const reply = parseV2Xml(buildProductCallbackReply({ ...PRODUCT, err_code_des: '商品已下架' }, KEY));
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code_des: '商品已下架' });
    expect(reply.prepay_id).toBeUndefined();
    expect(reply.sign).toBe(fakeSign(reply, KEY));
    expect(() => buildProductCallbackReply({ ...PRODUCT, err_code_des: '' }, KEY)).toThrow(
      WechatPayValidationError,
    );
  });

  it('refuses a callback with return_code FAIL and return_msg, signed, without result_code', () => {
    const xml = buildProductCallbackReply({ ...PRODUCT, return_code: 'FAIL', return_msg: '签名失败' }, KEY);
    const reply = parseV2Xml(xml);
    expect(Object.keys(reply).sort()).toEqual([
      'appid',
      'mch_id',
      'nonce_str',
      'return_code',
      'return_msg',
      'sign',
    ]);
    expect(reply).toMatchObject({ return_code: 'FAIL', return_msg: '签名失败' });
    expect(reply.sign).toBe(fakeSign(reply, KEY));
    expect(() => buildProductCallbackReply({ ...PRODUCT, return_code: 'FAIL', return_msg: '' }, KEY)).toThrow(
      WechatPayValidationError,
    );
  });
});
