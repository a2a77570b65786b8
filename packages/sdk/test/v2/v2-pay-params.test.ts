import { describe, expect, it } from 'vitest';
import { WechatPayConfigError, WechatPayValidationError } from '../../src/errors.js';
import { appPayParamsV2, jsapiPayParamsV2, miniProgramPayParamsV2 } from '../../src/v2/v2-pay-params.js';
import { fixtures } from '../support/fixtures.js';
import { fakeSign } from './support/fake-v2-server.js';

const KEY = fixtures.apiKey;
const NOW = 1_704_081_600_123;

describe('jsapiPayParamsV2', () => {
  it.each(['MD5', 'HMAC-SHA256'] as const)(
    'signs exactly the camelCase keys the client checks (%s)',
    (signType) => {
      const p = jsapiPayParamsV2({
        appId: fixtures.appid,
        prepayId: 'wx201410272009395522657a690389285100',
        apiKey: KEY,
        signType,
        now: NOW,
      });
      expect(Object.keys(p)).toEqual(['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign']);
      expect(p).toMatchObject({
        appId: fixtures.appid,
        timeStamp: '1704081600',
        package: 'prepay_id=wx201410272009395522657a690389285100',
        signType,
      });
      const { paySign, ...signed } = p;
      expect(paySign).toBe(fakeSign(signed, KEY, signType));
      expect(paySign).not.toBe(fakeSign({ ...signed, timeStamp: '1704081601' }, KEY, signType));
    },
  );

  it('gives the mini-program the same shape and defaults to MD5', () => {
    const p = miniProgramPayParamsV2({ appId: fixtures.appid, prepayId: 'wx1', apiKey: KEY });
    expect(p.signType).toBe('MD5');
    expect(p.paySign).toMatch(/^[0-9A-F]{32}$/);
  });

  it('refuses a missing prepay id or key', () => {
    expect(() => jsapiPayParamsV2({ appId: fixtures.appid, prepayId: '', apiKey: KEY })).toThrow(
      WechatPayValidationError,
    );
    expect(() => jsapiPayParamsV2({ appId: fixtures.appid, prepayId: 'wx1', apiKey: '' })).toThrow(
      WechatPayConfigError,
    );
  });
});

describe('appPayParamsV2', () => {
  it('signs the lower-case App fields with package Sign=WXPay', () => {
    const p = appPayParamsV2({
      appid: fixtures.appid,
      partnerid: fixtures.mchid,
      prepayid: 'wx1',
      apiKey: KEY,
      now: NOW,
    });
    expect(Object.keys(p)).toEqual([
      'appid',
      'partnerid',
      'prepayid',
      'package',
      'noncestr',
      'timestamp',
      'sign',
    ]);
    expect(p).toMatchObject({ package: 'Sign=WXPay', timestamp: '1704081600', partnerid: fixtures.mchid });
    const { sign, ...signed } = p;
    expect(sign).toBe(fakeSign(signed, KEY));
  });
});
