/**
 * Suite B — receiving a v2 payment notification: parse the XML body and check its MD5 `sign`.
 * Ours (`parseV2Xml` + `v2Verify`) against the seed article's stack (xml2js + the `md5` package over
 * the sorted field string). The XML codec may not be built yet; the row then says "pending" instead
 * of failing the run.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import md5 from 'md5';
import { parseStringPromise } from 'xml2js';
import { v2Verify } from '../../packages/sdk/dist/v2/v2-signer.js';
import { fixtures } from '../lib/fixtures.mjs';
import { pairedRatio } from '../lib/measure.mjs';

const XML_CODEC = new URL('../../packages/sdk/dist/v2/xml-codec.js', import.meta.url);

/** A successful JSAPI payment with one coupon, as WeChat Pay posts it (strings in CDATA, numbers bare). */
const fields = {
  appid: fixtures.appid,
  attach: '门店 0042 · 会员积分',
  bank_type: 'CMB_CREDIT',
  cash_fee: '12300',
  coupon_count: '1',
  coupon_fee: '500',
  coupon_fee_0: '500',
  coupon_id_0: '10000371',
  device_info: 'WEB',
  fee_type: 'CNY',
  is_subscribe: 'N',
  mch_id: fixtures.mchid,
  nonce_str: 'kq9T2fZbW7xRmC4dN8vLpY3sH6jA1eUg',
  openid: 'oXk3vQ9aZzPq7Lm2Rt5Yw8Bn4Cd6',
  out_trade_no: 'WXK20241122185203000123',
  result_code: 'SUCCESS',
  return_code: 'SUCCESS',
  return_msg: 'OK',
  time_end: '20241122185511',
  total_fee: '12800',
  trade_type: 'JSAPI',
  transaction_id: '4200002415202411227318093541',
};
const BARE = new Set(['cash_fee', 'coupon_count', 'coupon_fee', 'coupon_fee_0', 'total_fee']);

/** The seed's verification, written the way the seed article's readers write it. */
async function seedVerify(body) {
  const { xml } = await parseStringPromise(body, { explicitArray: false });
  const signed = Object.keys(xml)
    .filter((k) => k !== 'sign' && xml[k] !== '' && xml[k] !== undefined)
    .sort()
    .map((k) => `${k}=${xml[k]}`)
    .join('&');
  return md5(`${signed}&key=${fixtures.apiKey}`).toUpperCase() === xml.sign;
}

export async function createSuite() {
  const body = notificationXml();
  const tampered = body.replace('<total_fee>12800<', '<total_fee>12801<');
  const cases = [
    await ours(body),
    { id: 'seed', label: 'xml2js + md5 (seed)', async: true, check: seedVerify, fn: () => seedVerify(body) },
  ];
  for (const c of cases) if (!c.status) c.status = await problemOf(c, body, tampered);
  return {
    id: 'v2-notify',
    title: 'B. v2 payment notification: parse XML + verify MD5 sign',
    notes: [
      `notification ${Buffer.byteLength(body)} B, ${Object.keys(fields).length + 1} fields, CDATA, MD5`,
    ],
    baselineId: 'seed',
    baselineLabel: '× seed',
    cases,
    headlines: (byId) => [
      {
        label: 'ours vs xml2js + md5 (speed-up)',
        value: pairedRatio(byId.get('seed'), byId.get('ours')),
        target: '≥ 1×',
        min: 1,
      },
    ],
  };
}

/** Undefined when the case accepts the genuine notification and refuses the tampered one. */
async function problemOf(c, body, tampered) {
  try {
    if ((await c.check(body)) !== true) return 'error: refused the genuine notification';
  } catch (err) {
    return `error: ${err?.message ?? err}`;
  }
  let accepted;
  try {
    accepted = await c.check(tampered);
  } catch {
    accepted = false;
  }
  return accepted ? 'error: accepted a tampered notification' : undefined;
}

async function ours(body) {
  const label = 'ours (parseV2Xml + v2Verify)';
  if (!existsSync(XML_CODEC)) {
    return { id: 'ours', label, status: 'pending: packages/sdk/dist/v2/xml-codec.js not built yet' };
  }
  let parseV2Xml;
  try {
    ({ parseV2Xml } = await import(XML_CODEC.href));
  } catch (err) {
    return { id: 'ours', label, status: `error: xml-codec.js failed to load: ${err?.message ?? err}` };
  }
  if (typeof parseV2Xml !== 'function') {
    return { id: 'ours', label, status: 'pending: xml-codec.js does not export parseV2Xml yet' };
  }
  const check = (xml) => {
    try {
      v2Verify(parseV2Xml(xml), fixtures.apiKey);
      return true;
    } catch {
      return false;
    }
  };
  return { id: 'ours', label, check, fn: () => v2Verify(parseV2Xml(body), fixtures.apiKey) };
}

/** Builds and signs the notification independently of both contenders (plain node:crypto MD5). */
function notificationXml() {
  const signed = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const sign = createHash('md5').update(`${signed}&key=${fixtures.apiKey}`).digest('hex').toUpperCase();
  const all = { ...fields, sign };
  const lines = Object.keys(all)
    .sort()
    .map((k) => (BARE.has(k) ? `<${k}>${all[k]}</${k}>` : `<${k}><![CDATA[${all[k]}]]></${k}>`));
  return `<xml>\n${lines.join('\n')}\n</xml>`;
}
