/**
 * Suite A — what every v3 API call costs in crypto: sign the `Authorization` of
 * `POST /v3/pay/transactions/native` and verify the signed answer (`TIMESTAMP\nNONCE\nBODY\n`).
 * Each library is driven the way its README tells users to drive it, with the same keys and bodies.
 * Every case is checked before it is timed (its header verifies, its verify accepts the real answer
 * and refuses a one-byte change), so no row can be fast by doing the wrong thing.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import jsrsasign from 'jsrsasign';
import WxPay from 'wechatpay-node-v3';
import { V3RequestSigner } from '../../packages/sdk/dist/v3/request-signer.js';
import { V3ResponseVerifier } from '../../packages/sdk/dist/v3/response-verifier.js';
import { StaticKeyStore } from '../../packages/sdk/dist/v3/verification-keys.js';
import axiosPlugin from '../../peers/node_modules/wechatpay-axios-plugin/index.js';
import { fixtures } from '../lib/fixtures.mjs';
import { pairedRatio } from '../lib/measure.mjs';

const { KEYUTIL, KJUR, hextob64, b64tohex } = jsrsasign;
const { Rsa, Formatter } = axiosPlugin;

const METHOD = 'POST';
const PATH = '/v3/pay/transactions/native';
const MAX_SKEW_SECONDS = 300;

/** A native prepay request as a shop sends it (~300 bytes, with the usual Chinese description). */
const requestBody = JSON.stringify({
  appid: fixtures.appid,
  mchid: fixtures.mchid,
  description: '咖啡豆 1kg',
  out_trade_no: 'WXK20241122185203000123',
  time_expire: '2024-11-22T19:22:03+08:00',
  notify_url: 'https://shop.example.com/api/notify/v3',
  amount: { total: 12800, currency: 'CNY' },
  scene_info: { payer_client_ip: '203.0.113.7' },
});

/** The answer to it (~100 bytes), signed below by the key that plays WeChat Pay's platform key. */
const answerBody = JSON.stringify({
  code_url: 'weixin://wxpay/bizpayurl?pr=Xk3vQ9aZz&out_trade_no=WXK20241122185203000123',
});

export async function createSuite() {
  const answer = signAnswer(answerBody);
  const cases = [
    ours(answer),
    wechatpayNodeV3(answer),
    wechatpayAxiosPlugin(answer),
    jsrsasignSeed(answer),
    jsrsasignParseOnce(answer),
    floor(answer),
  ];
  for (const c of cases) await validate(c);
  return {
    id: 'v3-sign-verify',
    title: 'A. per-request v3 sign + verify (POST /v3/pay/transactions/native)',
    notes: [
      `request body ${Buffer.byteLength(requestBody)} B, answer body ${Buffer.byteLength(answerBody)} B, RSA-2048, SHA256withRSA`,
      'one op = build + sign the Authorization header, then verify the signed answer',
    ],
    baselineId: 'floor',
    baselineLabel: '× floor',
    cases,
    headlines,
  };
}

/** Headline ratios; a speed-up reads "ours is N× faster than X" (X µs / ours µs, paired by round). */
function headlines(byId) {
  const ours = byId.get('ours');
  const lines = [
    {
      label: 'ours / floor (cost)',
      value: pairedRatio(ours, byId.get('floor')),
      target: '≤ 1.10×',
      max: 1.1,
    },
  ];
  for (const [id, target] of [
    ['wechatpay-node-v3', 1],
    ['wechatpay-axios-plugin', 1],
    ['jsrsasign-seed', 30],
    ['jsrsasign-once', 30],
  ]) {
    const peer = byId.get(id);
    lines.push({
      label: `ours vs ${peer.label} (speed-up)`,
      value: pairedRatio(peer, ours),
      target: `≥ ${target}×`,
      min: target,
    });
  }
  return lines;
}

/** @wechatpay-kit/sdk: keys parsed once in the constructors, the verifier checks skew and serial too. */
function ours(answer) {
  const signer = new V3RequestSigner({
    mchid: fixtures.mchid,
    serialNo: fixtures.merchantSerial,
    privateKey: fixtures.merchantKey,
  });
  const verifier = new V3ResponseVerifier({
    keys: new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert }),
  });
  const authorize = () => signer.authorization(METHOD, PATH, requestBody);
  const check = (body) => {
    try {
      verifier.verify(answer.headers, body);
      return true;
    } catch {
      return false;
    }
  };
  return {
    id: 'ours',
    label: 'ours (@wechatpay-kit/sdk)',
    authorize,
    check,
    fn: () => {
      authorize();
      return verifier.verify(answer.headers, answerBody);
    },
  };
}

/**
 * wechatpay-node-v3 as its README sets it up (PEM buffers straight from disk), through the same
 * methods `transactions_native` and the notify handler call: `buildAuthorization` and `verifySign`.
 * Its certificate cache holds PEM text, as `fetchCertificates` leaves it.
 */
function wechatpayNodeV3(answer) {
  const pay = new WxPay({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    publicKey: Buffer.from(fixtures.merchantCert),
    privateKey: Buffer.from(fixtures.merchantKey),
  });
  WxPay.certificates[fixtures.platformSerial] = createPublicKey(fixtures.platformCert).export({
    type: 'spki',
    format: 'pem',
  });
  const url = `https://api.mch.weixin.qq.com${PATH}`;
  const h = answer.headers;
  const authorize = () => pay.buildAuthorization(METHOD, url, requestBody);
  const check = (body) =>
    pay.verifySign({
      timestamp: h['wechatpay-timestamp'],
      nonce: h['wechatpay-nonce'],
      serial: h['wechatpay-serial'],
      signature: h['wechatpay-signature'],
      body,
    });
  return {
    id: 'wechatpay-node-v3',
    label: 'wechatpay-node-v3',
    async: true,
    authorize,
    check,
    fn: () => {
      authorize();
      return check(answerBody);
    },
  };
}

/**
 * wechatpay-axios-plugin's primitives, composed as its interceptors compose them, with keys loaded
 * once by `Rsa.from` as the plugin does at construction.
 */
function wechatpayAxiosPlugin(answer) {
  const privateKey = Rsa.from(Buffer.from(fixtures.merchantKey), Rsa.KEY_TYPE_PRIVATE);
  const certs = { [fixtures.platformSerial]: Rsa.from(fixtures.platformCert, Rsa.KEY_TYPE_PUBLIC) };
  const h = answer.headers;
  const authorize = () => {
    const nonce = Formatter.nonce();
    const timestamp = Formatter.timestamp();
    const signature = Rsa.sign(Formatter.request(METHOD, PATH, timestamp, nonce, requestBody), privateKey);
    return Formatter.authorization(fixtures.mchid, nonce, signature, timestamp, fixtures.merchantSerial);
  };
  const check = (body) => {
    const timestamp = h['wechatpay-timestamp'];
    const serial = h['wechatpay-serial'];
    if (Math.abs(Formatter.timestamp() - timestamp) > MAX_SKEW_SECONDS) return false;
    if (!Object.hasOwn(certs, serial)) return false;
    return Rsa.verify(
      Formatter.response(timestamp, h['wechatpay-nonce'], body),
      h['wechatpay-signature'],
      certs[serial],
    );
  };
  return {
    id: 'wechatpay-axios-plugin',
    label: 'wechatpay-axios-plugin',
    authorize,
    check,
    fn: () => {
      authorize();
      return check(answerBody);
    },
  };
}

/** The seed article's stack as written: jsrsasign, the PEM parsed again on every request. */
function jsrsasignSeed(answer) {
  return jsrsasignCase(answer, {
    id: 'jsrsasign-seed',
    label: 'jsrsasign 10.6.1 (PEM per request)',
    privateKey: () => KEYUTIL.getKey(fixtures.merchantKey),
    publicKey: () => KEYUTIL.getKey(fixtures.platformCert),
  });
}

/** The same stack with the one fix a careful user makes: parse the keys once. */
function jsrsasignParseOnce(answer) {
  const privateKey = KEYUTIL.getKey(fixtures.merchantKey);
  const publicKey = KEYUTIL.getKey(fixtures.platformCert);
  return jsrsasignCase(answer, {
    id: 'jsrsasign-once',
    label: 'jsrsasign 10.6.1 (keys parsed once)',
    privateKey: () => privateKey,
    publicKey: () => publicKey,
  });
}

function jsrsasignCase(answer, { id, label, privateKey, publicKey }) {
  const h = answer.headers;
  const authorize = () => {
    const nonce = Math.random().toString(36).slice(2, 17);
    const timestamp = Math.floor(Date.now() / 1000);
    const signer = new KJUR.crypto.Signature({ alg: 'SHA256withRSA' });
    signer.init(privateKey());
    signer.updateString(`${METHOD}\n${PATH}\n${timestamp}\n${nonce}\n${requestBody}\n`);
    const signature = hextob64(signer.sign());
    return `WECHATPAY2-SHA256-RSA2048 mchid="${fixtures.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${fixtures.merchantSerial}",signature="${signature}"`;
  };
  const check = (body) => {
    const verifier = new KJUR.crypto.Signature({ alg: 'SHA256withRSA' });
    verifier.init(publicKey());
    verifier.updateString(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n${body}\n`);
    return verifier.verify(b64tohex(h['wechatpay-signature']));
  };
  return {
    id,
    label,
    authorize,
    check,
    fn: () => {
      authorize();
      return check(answerBody);
    },
  };
}

/**
 * The floor: one `crypto.sign` and one `crypto.verify` with pre-parsed KeyObjects over prebuilt
 * buffers. No header, nonce, base64 or checks — nothing a real client can skip below this.
 */
function floor(answer) {
  const privateKey = createPrivateKey(fixtures.merchantKey);
  const publicKey = createPublicKey(fixtures.platformCert);
  const message = Buffer.from(`${METHOD}\n${PATH}\n1732272723\nFLOORNONCE\n${requestBody}\n`);
  const h = answer.headers;
  const answerMessage = Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n${answerBody}\n`);
  const answerSignature = Buffer.from(h['wechatpay-signature'], 'base64');
  const merchantPublic = createPublicKey(privateKey);
  return {
    id: 'floor',
    label: 'floor (node:crypto, KeyObjects)',
    selfCheck: () =>
      verify('sha256', message, merchantPublic, sign('sha256', message, privateKey)) &&
      verify('sha256', answerMessage, publicKey, answerSignature),
    fn: () => {
      sign('sha256', message, privateKey);
      return verify('sha256', answerMessage, publicKey, answerSignature);
    },
  };
}

/** Plays WeChat Pay: signs the answer with the platform key, as the real server would. */
function signAnswer(body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'b0XQ3xDw7mPRk2LfYh5sTn8uJc4vEa9G';
  const signature = sign(
    'sha256',
    Buffer.from(`${timestamp}\n${nonce}\n${body}\n`),
    createPrivateKey(fixtures.platformKey),
  ).toString('base64');
  return {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'request-id': '08F4B1C5B90610A60218B3A3E45C20F0F6B2F8A50D-0',
      'wechatpay-nonce': nonce,
      'wechatpay-serial': fixtures.platformSerial,
      'wechatpay-signature': signature,
      'wechatpay-timestamp': timestamp,
    },
  };
}

/**
 * Marks a case `error: …` (listed, not timed) unless it does the real work: its Authorization is
 * well-formed and verifies over the exact request, and its verify accepts the real answer and
 * refuses a body with one byte changed.
 */
async function validate(c) {
  try {
    const problem = c.selfCheck ? (c.selfCheck() ? undefined : 'self-check failed') : await problemOf(c);
    if (problem) c.status = `error: ${problem}`;
  } catch (err) {
    c.status = `error: ${err?.message ?? err}`;
  }
}

async function problemOf(c) {
  const fields = Object.fromEntries(
    [...c.authorize().matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  if (fields.mchid !== fixtures.mchid) return `Authorization mchid is ${fields.mchid}`;
  if (fields.serial_no?.toUpperCase() !== fixtures.merchantSerial) {
    return `Authorization serial_no is ${fields.serial_no}`;
  }
  const message = `${METHOD}\n${PATH}\n${fields.timestamp}\n${fields.nonce_str}\n${requestBody}\n`;
  const merchantPublic = createPublicKey(fixtures.merchantCert);
  if (
    !verify('sha256', Buffer.from(message), merchantPublic, Buffer.from(fields.signature ?? '', 'base64'))
  ) {
    return 'Authorization signature does not verify';
  }
  if ((await c.check(answerBody)) !== true) return 'refused the genuine answer';
  const tampered = answerBody.replace('Xk3v', 'Xk3w');
  let accepted;
  try {
    accepted = await c.check(tampered);
  } catch {
    accepted = false;
  }
  if (accepted) return 'accepted a tampered answer';
  return undefined;
}
