/** Where a faulty value sits, as WeChat names it in `detail.location`. */
export type V3ErrorLocation = 'authorization' | 'header' | 'body' | 'query' | 'path';

/** WeChat's `detail` object: which field, where, and (our addition, in WeChat's spirit) what is wrong. */
export interface V3ErrorDetail {
  field?: string;
  value?: unknown;
  issue?: string;
  location?: V3ErrorLocation;
  [extra: string]: unknown;
}

/**
 * A refusal in API v3's own terms: HTTP status, `code`, Chinese `message` as WeChat words it, and a
 * `detail` that tells a wrong client exactly what it got wrong. Thrown anywhere below a route and
 * turned into the JSON answer in one place.
 */
export class V3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: V3ErrorDetail | undefined;

  constructor(status: number, code: string, message: string, detail?: V3ErrorDetail) {
    super(message);
    this.name = 'V3Error';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** The body WeChat sends: `{code, message, detail?}`. */
  toJSON(): { code: string; message: string; detail?: V3ErrorDetail } {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }

  /** 400 PARAM_ERROR naming the field; the shape every input check uses. */
  static param(field: string, issue: string, location: V3ErrorLocation = 'body', value?: unknown): V3Error {
    return new V3Error(400, 'PARAM_ERROR', `参数错误：${field}`, {
      field,
      ...(value === undefined ? {} : { value }),
      issue,
      location,
    });
  }

  /** 400 INVALID_REQUEST: the HTTP request breaks the API v3 interface rules (headers, content type). */
  static invalidRequest(field: string, issue: string, location: V3ErrorLocation = 'header'): V3Error {
    return new V3Error(400, 'INVALID_REQUEST', 'HTTP 请求不符合微信支付 APIv3 接口规则', {
      field,
      issue,
      location,
    });
  }
}
