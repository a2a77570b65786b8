import {
  type ParsedAuthorization,
  parseAuthorization,
  rsaVerify,
  V3_SIGNATURE_SCHEME,
} from '@wechatpay-kit/sdk/crypto';
import type { FastifyRequest } from 'fastify';
import type { MerchantRecord } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import { V3Error } from './v3-error.js';
import { diagnoseSignature, requestSignedMessage, type SignedRequest } from './v3-signature-diagnosis.js';

/** The merchant a request was proven to come from. */
export interface V3Caller {
  mchid: string;
  merchant: MerchantRecord;
}

/** WeChat refuses requests whose timestamp is 5 minutes or more away from its clock. */
const MAX_SKEW_SECONDS = 300;
const AUTH_FIELDS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
const SIGN_ERROR_MESSAGE = '签名错误，请检查后再试';

/** What authentication reads: merchants and their keys, and the nonces already seen. */
export type V3AuthDeps = Pick<SimContext, 'merchants' | 'nonces'>;

/**
 * Authenticates a v3 request as WeChat does: the `Authorization` scheme and fields, a known mchid,
 * the serial of that merchant's API certificate, a fresh timestamp (real time), the
 * SHA256withRSA signature over the raw URL and body bytes, and a nonce not seen before. Each
 * refusal names the part that is wrong and why.
 */
export function authenticateV3(request: FastifyRequest, ctx: V3AuthDeps): V3Caller {
  const auth = readAuthorization(request.headers.authorization);
  const merchant = ctx.merchants.get(auth.mchid);
  if (!merchant) {
    throw new V3Error(400, 'MCH_NOT_EXISTS', '商户号不存在', {
      field: 'mchid',
      value: auth.mchid,
      location: 'authorization',
      issue: `no merchant ${auth.mchid} exists in this simulator (create one with POST /_sim/merchants)`,
    });
  }
  // Hex digits in any case name the same serial: popular clients send them lower-case and WeChat accepts it.
  if (auth.serial_no.toUpperCase() !== merchant.merchantSerialNo.toUpperCase()) {
    throw new V3Error(401, 'SIGN_ERROR', '商户证书序列号有误。', {
      field: 'serial_no',
      value: auth.serial_no,
      location: 'authorization',
      issue: `serial_no ${auth.serial_no} does not match the merchant API certificate ${merchant.merchantSerialNo} (use the serial of apiclient_cert.pem, not of a platform certificate; any letter case is fine)`,
    });
  }
  // Signatures live on real time (WeChat's clock and the merchant's), never on the simulated one:
  // moving the clock forward must not make every request of a real-clock client stale.
  const now = Date.now();
  checkTimestamp(auth.timestamp, now);

  const signed: SignedRequest = {
    method: request.method,
    url: request.raw.url ?? request.url,
    timestamp: auth.timestamp,
    nonce: auth.nonce_str,
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    signature: auth.signature,
    origin: `${request.protocol}://${request.host}`,
  };
  const key = ctx.merchants.keys(auth.mchid).merchantPublicKey;
  const message = requestSignedMessage(signed);
  if (!rsaVerify(key, message, auth.signature)) {
    const text = message.toString('utf8');
    throw new V3Error(401, 'SIGN_ERROR', SIGN_ERROR_MESSAGE, {
      field: 'signature',
      location: 'authorization',
      issue: diagnoseSignature(signed, key),
      sign_information: {
        method: signed.method,
        url: signed.url,
        sign_message_length: message.length,
        truncated_sign_message: text.length > 160 ? `${text.slice(0, 160)}…` : text,
      },
    });
  }
  if (!ctx.nonces.accept(auth.mchid, auth.nonce_str, now)) {
    throw new V3Error(401, 'SIGN_ERROR', SIGN_ERROR_MESSAGE, {
      field: 'nonce_str',
      value: auth.nonce_str,
      location: 'authorization',
      issue:
        'nonce_str was already used by this merchant within the last 5 minutes: a replayed request (use a fresh random nonce per request)',
    });
  }
  return { mchid: auth.mchid, merchant };
}

/**
 * The merchant an `Authorization` header claims, before any check: lets refusals be signed with that
 * merchant's WeChat Pay key, as WeChat signs its error answers.
 */
export function claimedMchid(
  request: FastifyRequest,
  ctx: Pick<SimContext, 'merchants'>,
): string | undefined {
  const mchid = parseAuthorization(request.headers.authorization)?.mchid;
  return mchid !== undefined && ctx.merchants.get(mchid) ? mchid : undefined;
}

function readAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) {
    throw new V3Error(401, 'SIGN_ERROR', 'Authorization不合法', {
      field: 'Authorization',
      location: 'header',
      issue: `no Authorization header: every v3 request must carry "${V3_SIGNATURE_SCHEME} mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…"`,
    });
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    const missing = AUTH_FIELDS.filter((name) => !header.includes(`${name}="`));
    throw new V3Error(401, 'SIGN_ERROR', 'Authorization不合法', {
      field: 'Authorization',
      location: 'header',
      issue:
        missing.length > 0
          ? `Authorization lacks ${missing.map((name) => `${name}="…"`).join(', ')}`
          : `Authorization is not of the form ${V3_SIGNATURE_SCHEME} k="v",k="v",…`,
    });
  }
  if (auth.scheme !== V3_SIGNATURE_SCHEME) {
    throw new V3Error(401, 'SIGN_ERROR', 'Authorization不合法', {
      field: 'Authorization',
      value: auth.scheme,
      location: 'header',
      issue: `authorization scheme ${auth.scheme} is not ${V3_SIGNATURE_SCHEME}`,
    });
  }
  return auth;
}

function checkTimestamp(timestamp: string, nowMs: number): void {
  const serverSeconds = Math.floor(nowMs / 1000);
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new V3Error(401, 'SIGN_ERROR', SIGN_ERROR_MESSAGE, {
      field: 'timestamp',
      value: timestamp,
      location: 'authorization',
      issue: 'timestamp must be Unix time in whole seconds',
    });
  }
  const skew = Number(timestamp) - serverSeconds;
  if (Math.abs(skew) >= MAX_SKEW_SECONDS) {
    const hint = Math.abs(skew) > 1e8 ? ' (milliseconds instead of seconds?)' : '';
    throw new V3Error(401, 'SIGN_ERROR', SIGN_ERROR_MESSAGE, {
      field: 'timestamp',
      value: timestamp,
      location: 'authorization',
      issue: `timestamp ${timestamp} is ${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} server time ${serverSeconds}; allowed skew is under ${MAX_SKEW_SECONDS} s${hint}`,
    });
  }
}
