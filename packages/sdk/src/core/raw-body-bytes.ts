import { WechatPayNotificationError, WechatPaySignatureError } from '../errors.js';

/**
 * The bytes of a body handed to a parser. An object here is a body a framework already parsed
 * (`ctx.request.body`, `req.body`), which once surfaced as a `TypeError` from inside `node:crypto`.
 */
export function rawBodyBytes(rawBody: unknown): Buffer {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (Buffer.isBuffer(rawBody)) return rawBody;
  if (rawBody instanceof Uint8Array)
    return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  throw new WechatPayNotificationError(
    'already-parsed',
    `通知请求体应为原始的 Buffer 或字符串，收到的是 ${describe(rawBody)}：它已被 body parser 解析，验签需要原始字节。` +
      `The notification body must be the raw Buffer or string; got ${describe(rawBody)}, which a body parser ` +
      'already parsed, and the signature covers the raw bytes: read the raw body (or use @wechatpay-kit/sdk/koa, /express, /fastify).',
  );
}

/** A bad signature over a body that is valid JSON gets the likely cause: a parsed body serialized again. */
export function withReserializationHint(error: unknown, body: Buffer): unknown {
  if (!(error instanceof WechatPaySignatureError) || error.reason !== 'bad-signature') return error;
  try {
    JSON.parse(body.toString('utf8'));
  } catch {
    return error;
  }
  return new WechatPaySignatureError(error.reason, `${error.message}. ${RESERIALIZED_HINT}`, {
    ...error.detail,
    hint: 'reserialized-body',
  });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** The hint a failed v3 signature carries when the body could be a re-serialized object. */
const RESERIALIZED_HINT =
  '如果请求体曾被 body parser 解析后又重新序列化（如 JSON.stringify(req.body)），字节已与微信签名的不同，请用原始请求体验签。' +
  'If a body parser parsed this body and it was serialized again (e.g. JSON.stringify(req.body)), ' +
  'the bytes differ from what WeChat signed: verify the raw body as received.';
