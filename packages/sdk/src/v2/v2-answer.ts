import type { HttpResponse } from '../core/http-client.js';
import { WechatPayApiError, WechatPaySignatureError } from '../errors.js';
import { type V2SignType, v2Verify } from './v2-signer.js';
import { parseV2Xml } from './xml-codec.js';

/** How an answer is authenticated: the key it must be signed with, and who it must be addressed to. */
export interface V2AnswerCheck {
  signKey: string;
  signType: V2SignType;
  appid?: string;
  mchid: string;
}

/**
 * Turns an HTTP answer of a v2 API into verified fields, in WeChat's order of meaning:
 * `return_code` (did the call get through) → `sign` (is this really WeChat) → `result_code`
 * (did the business operation succeed). Pass `check: undefined` only for the unsigned getsignkey.
 */
export function readV2Answer(
  path: string,
  res: HttpResponse,
  check: V2AnswerCheck | undefined,
  maxBytes?: number,
): Record<string, string> {
  if (res.status < 200 || res.status >= 300) {
    throw new WechatPayApiError(`v2 ${path}: HTTP ${res.status}`, {
      code: `HTTP_${res.status}`,
      status: res.status,
    });
  }
  const answer = parseV2Xml(res.body, { maxBytes });
  if (answer.return_code !== 'SUCCESS') throw v2ReturnFailure(path, answer, res.status);
  if (check) verifyV2Answer(path, answer, check);
  if (answer.result_code !== undefined && answer.result_code !== 'SUCCESS') {
    const code = answer.err_code || 'FAIL';
    throw new WechatPayApiError(`v2 ${path}: ${code} ${answer.err_code_des ?? ''}`.trimEnd(), {
      code,
      status: res.status,
      returnCode: answer.return_code,
      resultCode: answer.result_code,
      raw: answer,
    });
  }
  return answer;
}

function verifyV2Answer(path: string, answer: Record<string, string>, check: V2AnswerCheck): void {
  if (!answer.sign) {
    throw new WechatPaySignatureError(
      'missing-sign',
      `v2 ${path}: answer with return_code SUCCESS carries no sign; it cannot be trusted`,
    );
  }
  v2Verify(answer, check.signKey, check.signType);
  for (const [field, expected] of [
    ['appid', check.appid],
    ['mch_id', check.mchid],
  ] as const) {
    const got = answer[field];
    if (expected !== undefined && got !== undefined && got !== expected) {
      throw new WechatPaySignatureError(
        'field-mismatch',
        `v2 ${path}: answer is for ${field} ${got}, this client is ${expected}`,
        { field, expected, got },
      );
    }
  }
}

/**
 * `return_code=FAIL`: the call itself was refused (bad sign, malformed XML, no bill…). WeChat gives
 * only a human `return_msg`; it is mapped onto the matching `err_code` where one exists, else made
 * into an upper-snake code (`No Bill Exist` → `NO_BILL_EXIST`) so callers can branch on it.
 */
export function v2ReturnFailure(
  path: string,
  answer: Record<string, string>,
  status?: number,
): WechatPayApiError {
  const msg = answer.return_msg ?? '';
  return new WechatPayApiError(
    `v2 ${path}: return_code ${answer.return_code ?? '(missing)'} ${msg}`.trimEnd(),
    {
      code: answer.err_code || returnMsgCode(msg),
      status,
      returnCode: answer.return_code ?? '',
      raw: answer,
    },
  );
}

const KNOWN_RETURN_MSGS: ReadonlyArray<[RegExp, string]> = [
  [/签名错误|sign.*(error|fail|invalid)/i, 'SIGNERROR'],
  [/XML.*(格式|format)/i, 'XML_FORMAT_ERROR'],
  [/参数|param/i, 'PARAM_ERROR'],
  [/\bpost\b/i, 'REQUIRE_POST_METHOD'],
  [/utf-?8/i, 'NOT_UTF8'],
  [/系统(繁忙|错误)|system ?error/i, 'SYSTEMERROR'],
];

function returnMsgCode(msg: string): string {
  for (const [pattern, code] of KNOWN_RETURN_MSGS) if (pattern.test(msg)) return code;
  const ascii = msg
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
  return ascii && /^[\x20-\x7e]+$/.test(msg.trim()) ? ascii : 'FAIL';
}
