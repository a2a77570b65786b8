import {
  parseV2Xml,
  type V2SignType,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '@wechatpay-kit/sdk';
import { v2Verify } from '@wechatpay-kit/sdk/crypto';
import { V2_RETURN_MSG, V2ReturnFailure } from './v2-replies.js';

/** Largest v2 request read; WeChat's messages are a few KiB. */
const MAX_REQUEST_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Raw bytes → flat fields, refusing what WeChat refuses (empty, not UTF-8, not XML, too large). */
export function readFields(body: unknown): Record<string, string> {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new V2ReturnFailure(V2_RETURN_MSG.POST_DATA_EMPTY, 'POST_DATA_EMPTY', 'the request body is empty');
  }
  if (body.length > MAX_REQUEST_BYTES) {
    throw new V2ReturnFailure(
      V2_RETURN_MSG.XML_FORMAT_ERROR,
      'XML_FORMAT_ERROR',
      `the body is ${body.length} bytes; at most ${MAX_REQUEST_BYTES} are read`,
    );
  }
  try {
    utf8.decode(body);
  } catch {
    throw new V2ReturnFailure(
      V2_RETURN_MSG.NOT_UTF8,
      'NOT_UTF8',
      'the body is not valid UTF-8 (GBK? send UTF-8 and say charset=utf-8)',
    );
  }
  try {
    return parseV2Xml(body, { maxBytes: MAX_REQUEST_BYTES });
  } catch (error) {
    if (!(error instanceof WechatPayFormatError)) throw error;
    throw new V2ReturnFailure(V2_RETURN_MSG.XML_FORMAT_ERROR, 'XML_FORMAT_ERROR', error.message);
  }
}

/**
 * Checks the sign with the key and type the request declares. `shorturl` is WeChat's one quirk: its
 * `long_url` travels URL-encoded but is signed decoded, so a mismatch is retried on the decoded form.
 */
export function verifySign(fields: Record<string, string>, signKey: string, sandbox: boolean): V2SignType {
  try {
    return v2Verify(fields, signKey);
  } catch (error) {
    if (!(error instanceof WechatPaySignatureError)) throw error;
    if (error.reason === 'unsupported-sign-type') {
      throw new V2ReturnFailure(
        'sign_type参数格式错误',
        'PARAM_ERROR',
        'sign_type must be MD5 or HMAC-SHA256',
      );
    }
    const decoded = decodedLongUrl(fields.long_url);
    if (decoded !== undefined) {
      try {
        return v2Verify({ ...fields, long_url: decoded }, signKey);
      } catch {
        // fall through to the original mismatch, which names the fields as sent
      }
    }
    // The expected sign stays out of the hint: the simulator must not sign any message it is shown.
    const { signType, signedString } = error.detail as { signType?: string; signedString?: string };
    const which = sandbox ? 'the sandbox key from /sandboxnew/pay/getsignkey' : "the merchant's API v2 key";
    throw new V2ReturnFailure(
      V2_RETURN_MSG.SIGNERROR,
      'SIGNERROR',
      signedString
        ? `${signType} sign mismatch over "${signedString}" - this endpoint verifies with ${which}; check the key, the sign_type and that both sides signed the same fields`
        : `${error.message} - this endpoint verifies with ${which}`,
    );
  }
}

function decodedLongUrl(value: string | undefined): string | undefined {
  if (!value?.includes('%')) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
