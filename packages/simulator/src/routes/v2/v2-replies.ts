import { buildV2Xml, type V2Fields, type V2SignType } from '@wechatpay-kit/sdk';
import { nonceStr, v2Sign } from '@wechatpay-kit/sdk/crypto';
import type { SimError, SimErrorCode } from '../../engine/sim-error.js';

/**
 * `return_code=FAIL`: the call itself was refused (method, body, XML, sign, unknown merchant, missing
 * or malformed parameter), so nothing is signed — the caller may not even be the merchant. WeChat
 * answers with `return_code` and `return_msg` only, and so does the simulator: merchant code that
 * branched on an `err_code` here would never match in production. The matching official code
 * (`errCode`) and what precisely was wrong (`hint`) go to the `X-Sim-Hint` header instead.
 */
export class V2ReturnFailure extends Error {
  readonly returnMsg: string;
  readonly errCode: string | undefined;
  readonly hint: string | undefined;
  /** Extra unsigned fields, e.g. downloadbill's `error_code`. */
  readonly extra: Record<string, string>;

  constructor(returnMsg: string, errCode?: string, hint?: string, extra: Record<string, string> = {}) {
    super(returnMsg);
    this.name = 'V2ReturnFailure';
    this.returnMsg = returnMsg;
    this.errCode = errCode;
    this.hint = hint;
    this.extra = extra;
  }
}

/** `result_code=FAIL`: an authenticated call that the business refused; answered signed. */
export class V2ResultFailure extends Error {
  readonly errCode: string;
  readonly errCodeDes: string;
  readonly hint: string | undefined;
  /** Fields answered beside the error, e.g. reverse's `recall`. */
  readonly fields: V2Fields;

  constructor(errCode: string, errCodeDes: string, hint?: string, fields: V2Fields = {}) {
    super(`${errCode} ${errCodeDes}`);
    this.name = 'V2ResultFailure';
    this.errCode = errCode;
    this.errCodeDes = errCodeDes;
    this.hint = hint;
    this.fields = fields;
  }
}

/** Something other than an XML answer: WeChat's nginx refusing a missing client certificate. */
export class V2HttpRefusal extends Error {
  readonly status: number;
  readonly html: string;

  constructor(status: number, reason: string) {
    super(reason);
    this.name = 'V2HttpRefusal';
    this.status = status;
    this.html = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} Bad Request</h1></center>\r\n<center>${reason}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  }
}

/** The official communication-level messages (the "描述" column of WeChat's error tables). */
export const V2_RETURN_MSG = {
  REQUIRE_POST_METHOD: '请使用post方法',
  POST_DATA_EMPTY: 'post数据为空',
  NOT_UTF8: '编码格式错误',
  XML_FORMAT_ERROR: 'XML格式错误',
  SIGNERROR: '签名错误',
  MCHID_NOT_EXIST: '商户号不存在',
  APPID_NOT_EXIST: 'appid不存在',
  APPID_MCHID_NOT_MATCH: '商户号mch_id与appid不匹配',
} as const;

export function v2FailXml(failure: V2ReturnFailure): string {
  return buildV2Xml({ return_code: 'FAIL', return_msg: failure.returnMsg, ...failure.extra });
}

/** The `X-Sim-Hint` of a communication-level refusal: the official code it stands for, then why. */
export function v2FailHint(failure: V2ReturnFailure): string | undefined {
  if (!failure.errCode) return failure.hint;
  return failure.hint ? `${failure.errCode}: ${failure.hint}` : failure.errCode;
}

/** Who an answer is signed for: the request's appid, merchant, key and sign type. */
export interface V2Signer {
  appid: string | undefined;
  mchid: string;
  signKey: string;
  signType: V2SignType;
}

/**
 * A `return_code=SUCCESS` answer: addressed (appid, mch_id, a fresh nonce_str), then signed with the
 * key and sign type the request used. `sign_type` itself is not echoed, as WeChat does not echo it.
 */
export function v2SignedXml(
  signer: V2Signer,
  result: { fields: V2Fields } | { failure: V2ResultFailure },
): string {
  const failure = 'failure' in result ? result.failure : undefined;
  const fields: V2Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: signer.appid,
    mch_id: signer.mchid,
    nonce_str: nonceStr(),
    result_code: failure ? 'FAIL' : 'SUCCESS',
    err_code: failure?.errCode,
    err_code_des: failure?.errCodeDes,
    ...('fields' in result ? result.fields : result.failure.fields),
  };
  return buildV2Xml({ ...fields, sign: v2Sign(fields, signer.signKey, signer.signType) });
}

/** WeChat's words for a total_fee or refund_fee that differs from the order or an earlier request. */
export const V2_REFUND_FEE_MISMATCH = '订单金额或退款金额与之前请求不一致，请核实后再试';

/**
 * `NOTENOUGH` is the merchant's balance being too low, never a refund above what is left: that is
 * `INVALID_REQUEST` (refund_fee大于可退金额), or `ERROR` 订单已全额退款 when nothing is left.
 */
const SIM_ERROR_TO_V2: Record<SimErrorCode, [string, string | undefined]> = {
  ORDER_NOT_EXIST: ['ORDERNOTEXIST', 'order not exist'],
  OUT_TRADE_NO_USED: ['INVALID_REQUEST', '201 商户订单号重复'],
  ORDER_PAID: ['ORDERPAID', '该订单已支付'],
  ORDER_CLOSED: ['ORDERCLOSED', '该订单已关闭'],
  ORDER_EXPIRED: ['ORDERCLOSED', '订单已过期'],
  NOT_ENOUGH: ['NOTENOUGH', undefined],
  OPENID_MISMATCH: ['PARAM_ERROR', 'appid和openid不匹配'],
  TRADE_STATE_ERROR: ['TRADE_STATE_ERROR', undefined],
  REFUND_NOT_EXIST: ['REFUNDNOTEXIST', '退款订单查询失败'],
  REFUND_AMOUNT_INVALID: ['PARAM_ERROR', undefined],
  REFUND_TOTAL_MISMATCH: ['REFUND_FEE_MISMATCH', V2_REFUND_FEE_MISMATCH],
  REFUND_EXCEEDS_PAID: ['INVALID_REQUEST', 'refund_fee大于可退金额'],
  ORDER_FULLY_REFUNDED: ['ERROR', '订单已全额退款'],
  REFUND_NO_USED: ['INVALID_REQUEST', undefined],
  PARAM_ERROR: ['PARAM_ERROR', undefined],
  SYSTEM_ERROR: ['SYSTEMERROR', '系统超时'],
  USERPAYING: ['USERPAYING', '需要用户输入支付密码'],
  AUTH_CODE_ERROR: ['AUTH_CODE_ERROR', '授权码参数错误'],
  AUTH_CODE_INVALID: ['AUTH_CODE_INVALID', undefined],
  AUTHCODEEXPIRE: ['AUTHCODEEXPIRE', undefined],
  ORDER_REVERSED: ['ORDERREVERSED', '订单已撤销'],
  REVERSE_REFUSED: ['TRADE_ERROR', undefined],
  REVERSE_EXPIRE: ['REVERSE_EXPIRE', '订单已超过撤销期限'],
  BANK_ERROR: ['BANKERROR', '银行系统异常'],
};

/** The engine's protocol-neutral refusal in v2 words (WeChat's own `err_code_des` where known). */
export function v2FailureOf(error: SimError): V2ResultFailure {
  const [code, des] = SIM_ERROR_TO_V2[error.code];
  return new V2ResultFailure(code, des ?? error.message, error.message);
}

/** Header values must be ASCII: anything else is percent-encoded. */
export function asciiHint(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c)).slice(0, 2000);
}
