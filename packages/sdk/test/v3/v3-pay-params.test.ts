import { createPrivateKey, verify, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { V3RequestSigner } from '../../src/v3/request-signer.js';
import { V3Client } from '../../src/v3/v3-client.js';
import { appPayParamsV3, jsapiPayParamsV3 } from '../../src/v3/v3-pay-params.js';
import { fixtures } from '../support/fixtures.js';

const merchantPublic = new X509Certificate(fixtures.merchantCert).publicKey;
const verifies = (message: string, signature: string) =>
  verify('sha256', Buffer.from(message, 'utf8'), merchantPublic, Buffer.from(signature, 'base64'));

describe('jsapiPayParamsV3', () => {
  const prepayId = 'wx201410272009395522657a690389285100';

  it('signs appId\\ntimeStamp\\nnonceStr\\npackage\\n with the merchant key (RSA)', () => {
    const params = jsapiPayParamsV3({
      appId: fixtures.appid,
      prepayId,
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      privateKey: fixtures.merchantKey,
    });
    expect(Object.keys(params)).toEqual(['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign']);
    expect(params).toMatchObject({
      package: `prepay_id=${prepayId}`,
      signType: 'RSA',
      timeStamp: '1414561699',
    });
    const message = `${fixtures.appid}\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=${prepayId}\n`;
    expect(verifies(message, params.paySign)).toBe(true);
    expect(verifies(message.replace('1414561699', '1414561698'), params.paySign)).toBe(false);
  });

  it('accepts a signer holding the parsed key, and fills time and nonce', () => {
    const signer = new V3RequestSigner({
      mchid: fixtures.mchid,
      serialNo: fixtures.merchantSerial,
      privateKey: createPrivateKey(fixtures.merchantKey),
    });
    const params = jsapiPayParamsV3({
      appId: fixtures.appid,
      prepayId,
      signer,
      now: () => 1_795_000_000_123,
    });
    expect(params.timeStamp).toBe('1795000000');
    expect(params.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/);
    const message = `${fixtures.appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(verifies(message, params.paySign)).toBe(true);
  });
});

describe('appPayParamsV3', () => {
  it('signs appid\\ntimestamp\\nnoncestr\\nprepayid\\n and names fields as the App SDK wants', () => {
    const params = appPayParamsV3({
      appid: 'wx8888888888888888',
      partnerid: fixtures.mchid,
      prepayid: 'WX1217752501201407033233368018',
      timestamp: '1412000000',
      noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      privateKey: fixtures.merchantKey,
    });
    expect(params).toMatchObject({
      appid: 'wx8888888888888888',
      partnerid: fixtures.mchid,
      prepayid: 'WX1217752501201407033233368018',
      package: 'Sign=WXPay',
      noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      timestamp: '1412000000',
    });
    const message =
      'wx8888888888888888\n1412000000\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n';
    expect(verifies(message, params.sign)).toBe(true);
    expect(verifies(message.replace('wx8888', 'wx8889'), params.sign)).toBe(false);
  });
});

describe('V3Client pay parameters', () => {
  const client = new V3Client({
    mchid: fixtures.mchid,
    serialNo: fixtures.merchantSerial,
    privateKey: fixtures.merchantKey,
    apiV3Key: fixtures.apiV3Key,
    verification: { mode: 'certificates', pinned: [fixtures.merchantCert] },
  });
  afterAll(() => client.close());

  it('signs JSAPI parameters with the client’s own key, as the function does', () => {
    const input = {
      appId: fixtures.appid,
      prepayId: 'wx2014102720093955',
      timeStamp: '1414561699',
      nonceStr: 'N0nce',
    };
    const params = client.jsapiPayParams(input);
    expect(params).toEqual(jsapiPayParamsV3({ ...input, privateKey: fixtures.merchantKey }));
    expect(
      verifies(`${fixtures.appid}\n1414561699\nN0nce\nprepay_id=wx2014102720093955\n`, params.paySign),
    ).toBe(true);
  });

  it('signs App parameters with this merchant as partnerid', () => {
    const params = client.appPayParams({
      appid: fixtures.appid,
      prepayid: 'wx2014',
      timestamp: '1414561699',
      noncestr: 'N0nce',
    });
    expect(params.partnerid).toBe(fixtures.mchid);
    expect(verifies(`${fixtures.appid}\n1414561699\nN0nce\nwx2014\n`, params.sign)).toBe(true);
  });
});
