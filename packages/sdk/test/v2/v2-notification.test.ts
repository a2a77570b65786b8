import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptReqInfo, encryptReqInfo } from '../../src/crypto/aes-ecb.js';
import {
  WechatPayApiError,
  WechatPayDecryptError,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '../../src/errors.js';
import {
  parseV2PaymentNotification,
  parseV2RefundNotification,
  v2NotificationAck,
} from '../../src/v2/v2-notification.js';
import {
  buildV2PaymentNotification,
  buildV2RefundNotification,
} from '../../src/v2/v2-notification-builder.js';
import { v2Sign } from '../../src/v2/v2-signer.js';
import { buildV2Xml } from '../../src/v2/xml-codec.js';
import { fixtures } from '../support/fixtures.js';
import { fakeSign, fakeXml } from './support/fake-v2-server.js';

const KEY = fixtures.apiKey;
const PAYMENT = {
  appid: fixtures.appid,
  mch_id: fixtures.mchid,
  out_trade_no: 'order-42',
  transaction_id: '4200000000000000000000000042',
  total_fee: 1999,
};
const REFUND = {
  transaction_id: '4200000000000000000000000042',
  out_trade_no: 'order-42',
  refund_id: '50300000000000000000000000042',
  out_refund_no: 'refund-42',
  total_fee: 1999,
  refund_fee: 500,
};
const ENVELOPE = { appid: fixtures.appid, mch_id: fixtures.mchid };

function flipLastChar(text: string): string {
  return text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) ^ 1);
}

describe('parseV2PaymentNotification', () => {
  it.each(['MD5', 'HMAC-SHA256'] as const)('accepts a %s-signed notification, amounts as numbers', (type) => {
    const body = buildV2PaymentNotification({ ...PAYMENT, attach: 'a&b<c>' }, KEY, type);
    const n = parseV2PaymentNotification(body, KEY);
    expect(n).toMatchObject({
      ...PAYMENT,
      result_code: 'SUCCESS',
      cash_fee: 1999,
      attach: 'a&b<c>',
      fee_type: 'CNY',
    });
    expect(n.time_end).toMatch(/^\d{14}$/);
    expect(n.sign_type).toBe(type === 'MD5' ? undefined : 'HMAC-SHA256');
  });

  it('accepts a notification signed by an independent implementation (not the SDK signer)', () => {
    const fields: Record<string, string> = {
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      appid: fixtures.appid,
      mch_id: fixtures.mchid,
      nonce_str: 'n0nce',
      openid: 'o-1',
      trade_type: 'JSAPI',
      total_fee: '0010',
      transaction_id: '42',
      out_trade_no: 'o42',
      time_end: '20240101120000',
    };
    fields.sign = fakeSign(fields, KEY);
    expect(parseV2PaymentNotification(fakeXml(fields), KEY).total_fee).toBe(10);
  });

  it('rejects the notification when one byte of the amount changes', () => {
    const body = buildV2PaymentNotification(PAYMENT, KEY);
    const tampered = body.replace('<total_fee><![CDATA[1999]]>', '<total_fee><![CDATA[1998]]>');
    expect(tampered).not.toBe(body);
    const err = (() => {
      try {
        parseV2PaymentNotification(tampered, KEY);
      } catch (e) {
        return e as WechatPaySignatureError;
      }
    })();
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err!.reason).toBe('sign-mismatch');
    expect(`${err!.message}${JSON.stringify(err!.detail)}`).not.toContain(KEY);
  });

  it('rejects a wrong key, a missing sign and a sign_type downgrade', () => {
    const body = buildV2PaymentNotification(PAYMENT, KEY, 'HMAC-SHA256');
    expect(() => parseV2PaymentNotification(body, flipLastChar(KEY))).toThrow(WechatPaySignatureError);
    expect(() => parseV2PaymentNotification(body.replace(/<sign>.*?<\/sign>/, ''), KEY)).toThrow(/no sign/);
    const downgraded = body.replace('<![CDATA[HMAC-SHA256]]>', '<![CDATA[MD5]]>');
    expect(() => parseV2PaymentNotification(downgraded, KEY)).toThrow(WechatPaySignatureError);
  });

  it('refuses return_code FAIL and a signed result_code FAIL as API errors', () => {
    expect(() =>
      parseV2PaymentNotification(fakeXml({ return_code: 'FAIL', return_msg: '签名错误' }), KEY),
    ).toThrow(WechatPayApiError);
    const failed = buildV2PaymentNotification(
      { ...PAYMENT, result_code: 'FAIL', err_code: 'NOTENOUGH' },
      KEY,
    );
    expect(() => parseV2PaymentNotification(failed, KEY)).toThrow(
      expect.objectContaining({ code: 'NOTENOUGH' }),
    );
  });

  it('refuses a signed notification without the fields a merchant must check', () => {
    const fields = {
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      appid: 'wx',
      mch_id: '1',
      nonce_str: 'n',
    };
    const body = buildV2Xml({ ...fields, sign: v2Sign(fields, KEY) });
    expect(() => parseV2PaymentNotification(body, KEY)).toThrow(WechatPayFormatError);
    expect(() => parseV2PaymentNotification(body, KEY)).toThrow(/total_fee/);
  });

  it('refuses an amount that is not integer fen, even when signed', () => {
    const body = buildV2PaymentNotification({ ...PAYMENT, total_fee: '19.99' as never }, KEY);
    expect(() => parseV2PaymentNotification(body, KEY)).toThrow(/integer number of fen/);
  });
});

describe('parseV2RefundNotification', () => {
  it('decrypts the GUIDE §7 req_info vector', () => {
    expect(decryptReqInfo('6Q9VX4N3WTBM9G9XBL7H1L9PB9ANHLY8', '/Pe2X0sgRcndZWNJQQmcPw==')).toBe('{"a":3}');
  });

  it('reads a refund notification built as WeChat builds it', () => {
    const body = buildV2RefundNotification(REFUND, KEY, ENVELOPE);
    expect(body).not.toContain('refund-42');
    const n = parseV2RefundNotification(body, KEY);
    expect(n).toMatchObject({ ...REFUND, ...ENVELOPE, refund_status: 'SUCCESS', settlement_refund_fee: 500 });
    expect(n.success_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('reads a req_info encrypted independently of the builder', () => {
    const inner =
      '<root><out_refund_no><![CDATA[r1]]></out_refund_no><out_trade_no><![CDATA[o1]]></out_trade_no>' +
      '<refund_id><![CDATA[503]]></refund_id><transaction_id><![CDATA[420]]></transaction_id>' +
      '<refund_status><![CDATA[REFUNDCLOSE]]></refund_status><total_fee><![CDATA[100]]></total_fee>' +
      '<refund_fee><![CDATA[100]]></refund_fee></root>';
    const body = fakeXml({
      return_code: 'SUCCESS',
      ...ENVELOPE,
      nonce_str: 'n',
      req_info: encryptReqInfo(KEY, inner),
    });
    expect(parseV2RefundNotification(body, KEY)).toMatchObject({
      refund_status: 'REFUNDCLOSE',
      refund_fee: 100,
    });
  });

  it('refuses a wrong key and an altered req_info as decrypt errors', () => {
    const body = buildV2RefundNotification(REFUND, KEY, ENVELOPE);
    expect(() => parseV2RefundNotification(body, flipLastChar(KEY))).toThrow(WechatPayDecryptError);
    const reqInfo = /<req_info><!\[CDATA\[(.*?)\]\]>/.exec(body)![1]!;
    const bytes = Buffer.from(reqInfo, 'base64');
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x40;
    const altered = body.replace(reqInfo, bytes.toString('base64'));
    expect(() => parseV2RefundNotification(altered, KEY)).toThrow(WechatPayDecryptError);
  });

  it('refuses an envelope without req_info, or one reporting return_code FAIL', () => {
    expect(() => parseV2RefundNotification(fakeXml({ return_code: 'SUCCESS', ...ENVELOPE }), KEY)).toThrow(
      /req_info/,
    );
    expect(() => parseV2RefundNotification(fakeXml({ return_code: 'FAIL', return_msg: 'x' }), KEY)).toThrow(
      WechatPayApiError,
    );
  });
});

describe('v2NotificationAck', () => {
  it('writes the exact SUCCESS answer and a FAIL answer with a reason', () => {
    expect(v2NotificationAck(true)).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    );
    expect(v2NotificationAck(false, 'sign mismatch')).toBe(
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[sign mismatch]]></return_msg></xml>',
    );
  });
});

describe('a notify endpoint on node:http', () => {
  let server: Server;
  let url: string;
  const applied: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const n = parseV2PaymentNotification(Buffer.concat(chunks), KEY);
          if (!applied.includes(n.transaction_id)) applied.push(n.transaction_id);
          res.end(v2NotificationAck(true));
        } catch (err) {
          res.end(v2NotificationAck(false, (err as Error).name));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ACKs a genuine notification once per transaction and NACKs a forged one', async () => {
    const post = async (body: string) => (await fetch(url, { method: 'POST', body })).text();
    const genuine = buildV2PaymentNotification(PAYMENT, KEY);
    expect(await post(genuine)).toContain('SUCCESS');
    expect(await post(genuine)).toContain('SUCCESS');
    expect(applied).toEqual([PAYMENT.transaction_id]);
    const forged = buildV2PaymentNotification(
      { ...PAYMENT, transaction_id: '4200000000000000000000000666' },
      'x'.repeat(32),
    );
    expect(await post(forged)).toContain('WechatPaySignatureError');
    expect(applied).toHaveLength(1);
  });
});
