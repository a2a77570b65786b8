import { uncompressedBill } from '../core/bill-stream.js';
import {
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  readStreamBody,
  streamWith,
  UndiciHttpClient,
} from '../core/http-client.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../core/retry.js';
import { nonceStr } from '../crypto/nonce.js';
import { WechatPayConfigError, WechatPayFormatError, WechatPayValidationError } from '../errors.js';
import { fetchSandboxSignKey, SANDBOX_PREFIX } from './sandbox-sign-key.js';
import { collectV2Refunds, withV2Amounts } from './v2-amounts.js';
import { readV2Answer, type V2AnswerCheck } from './v2-answer.js';
import { type V2Fields, type V2SignType, v2Sign } from './v2-signer.js';
import type {
  V2CloseOrderResult,
  V2DownloadBillParams,
  V2MicropayParams,
  V2MicropayResult,
  V2OrderQueryParams,
  V2OrderQueryResult,
  V2RefundParams,
  V2RefundQueryParams,
  V2RefundQueryResult,
  V2RefundResult,
  V2ReverseParams,
  V2ReverseResult,
  V2ShortUrlResult,
  V2UnifiedOrderParams,
  V2UnifiedOrderResult,
} from './v2-types.js';
import {
  assertV2OutTradeNo,
  assertV2Text,
  pickV2Identifier,
  validateV2DownloadBill,
  validateV2Micropay,
  validateV2Refund,
  validateV2UnifiedOrder,
} from './v2-validators.js';
import { buildV2Xml, DEFAULT_MAX_XML_BYTES } from './xml-codec.js';

/** The merchant API certificate for `/secapi` calls: PEM pair or PKCS#12, plus an optional extra CA. */
export type V2TlsOptions = (
  | { cert: string | Buffer; key: string | Buffer }
  | { pfx: Buffer; passphrase?: string }
) & { ca?: string | Buffer };

export interface V2ClientOptions {
  appid: string;
  mchid: string;
  /** The 32-character API v2 key. Never logged, never part of an error. */
  apiKey: string;
  /** Default `MD5`. Answers are verified with the same type. */
  signType?: V2SignType;
  /** Default `https://api.mch.weixin.qq.com`; point it at the simulator in tests. */
  baseUrl?: string;
  /** Transport for everything but `/secapi`; default an `UndiciHttpClient`. */
  http?: HttpClient;
  /** Needed for refunds only; a second, mutual-TLS connection pool is opened for `/secapi`. */
  tls?: V2TlsOptions;
  /** Call WeChat's sandbox (`/sandboxnew/…`) with the sandbox key fetched via `getsignkey`. */
  sandbox?: boolean;
  timeoutMs?: number;
  /** Applies to idempotent operations only. */
  retry?: RetryPolicy;
  /** Largest XML answer accepted, default 64 KiB. */
  maxXmlBytes?: number;
}

interface CallOptions {
  /** Safe to resend: a read, or a write WeChat deduplicates by the merchant's own number. */
  idempotent: boolean;
  /** Goes to `/secapi` with the merchant certificate. */
  tls?: boolean;
}

const XML_HEADERS = { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'wechatpay-kit' };

/**
 * WeChat Pay API v2 (XML). One private core signs, posts, parses and verifies; the public methods
 * only validate their parameters and name the path. Writes that WeChat deduplicates (unifiedorder by
 * `out_trade_no`, refund by `out_refund_no`) are retried like reads; `closeOrder` never is.
 */
export class V2Client {
  readonly appid: string;
  readonly mchid: string;
  readonly signType: V2SignType;
  readonly sandbox: boolean;
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #tls: V2TlsOptions | undefined;
  #tlsHttp: UndiciHttpClient | undefined;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number | undefined;
  readonly #maxXmlBytes: number | undefined;
  #sandboxKey: Promise<string> | undefined;

  constructor(options: V2ClientOptions) {
    for (const name of ['appid', 'mchid', 'apiKey'] as const) {
      if (typeof options?.[name] !== 'string' || options[name].length === 0) {
        throw new WechatPayConfigError(`V2Client needs a non-empty ${name}`);
      }
    }
    const signType = options.signType ?? 'MD5';
    if (signType !== 'MD5' && signType !== 'HMAC-SHA256') {
      throw new WechatPayConfigError(`signType must be MD5 or HMAC-SHA256, got ${String(signType)}`);
    }
    if (options.tls && !('pfx' in options.tls) && !(options.tls.cert && options.tls.key)) {
      throw new WechatPayConfigError('tls needs either cert + key (PEM) or pfx (PKCS#12)');
    }
    this.appid = options.appid;
    this.mchid = options.mchid;
    this.signType = signType;
    this.sandbox = options.sandbox ?? false;
    this.#apiKey = options.apiKey;
    this.#baseUrl = (options.baseUrl ?? 'https://api.mch.weixin.qq.com').replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs;
    this.#ownsHttp = options.http === undefined;
    this.#http = options.http ?? new UndiciHttpClient({ timeoutMs: options.timeoutMs });
    this.#tls = options.tls;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#maxXmlBytes = options.maxXmlBytes;
  }

  /** Creates the prepay order; calling again with the same `out_trade_no` and parameters returns it again. */
  async unifiedOrder(params: V2UnifiedOrderParams): Promise<V2UnifiedOrderResult> {
    validateV2UnifiedOrder(params);
    return withV2Amounts(await this.#call('/pay/unifiedorder', params, { idempotent: true }));
  }

  async orderQuery(params: V2OrderQueryParams): Promise<V2OrderQueryResult> {
    const by = pickV2Identifier(params, ['transaction_id', 'out_trade_no'], 'orderquery');
    const fields = { [by]: (params as Record<string, unknown>)[by] };
    return withV2Amounts(await this.#call('/pay/orderquery', fields, { idempotent: true }));
  }

  /**
   * Closes an unpaid order. Not retried: after a lost answer the order may already be closed, and
   * a second call would turn that success into `ORDERCLOSED` — query instead.
   */
  async closeOrder(outTradeNo: string): Promise<V2CloseOrderResult> {
    assertV2OutTradeNo(outTradeNo);
    return withV2Amounts(
      await this.#call('/pay/closeorder', { out_trade_no: outTradeNo }, { idempotent: false }),
    );
  }

  /**
   * Charges a payment code (付款码) the cashier scanned; the answer is the result, there is no
   * notification. Not retried: after a lost answer or `SYSTEMERROR` / `BANKERROR` / `USERPAYING`
   * (thrown as `WechatPayApiError` with that `code`) the order must be queried, and reversed if
   * still unknown — `collectPaymentCode` does exactly that.
   */
  async micropay(params: V2MicropayParams): Promise<V2MicropayResult> {
    validateV2Micropay(params);
    return withV2Amounts(await this.#call('/pay/micropay', params, { idempotent: false }));
  }

  /**
   * Reverses (撤销) a payment-code order over mutual TLS: refunded if it was paid, closed if not; its
   * trade state becomes `REVOKED`. Retried on transient failures, as WeChat asks; `recall: 'Y'`
   * means call it again. Only for payment-code orders, only within 7 days.
   */
  async reverse(params: V2ReverseParams): Promise<V2ReverseResult> {
    const by = pickV2Identifier(params, ['transaction_id', 'out_trade_no'], 'reverse');
    const fields = { [by]: (params as Record<string, unknown>)[by] };
    return withV2Amounts(await this.#call('/secapi/pay/reverse', fields, { idempotent: true, tls: true }));
  }

  /** Refunds over mutual TLS; resending the same `out_refund_no` never refunds twice. */
  async refund(params: V2RefundParams): Promise<V2RefundResult> {
    validateV2Refund(params);
    return withV2Amounts(await this.#call('/secapi/pay/refund', params, { idempotent: true, tls: true }));
  }

  /** Lists an order's refunds; the `_$n` fields come back gathered in `refunds`. */
  async refundQuery(params: V2RefundQueryParams): Promise<V2RefundQueryResult> {
    const by = pickV2Identifier(
      params,
      ['transaction_id', 'out_trade_no', 'out_refund_no', 'refund_id'],
      'refundquery',
    );
    const { offset } = params;
    if (offset !== undefined && (!Number.isSafeInteger(offset) || offset < 0)) {
      throw new WechatPayValidationError('offset', 'offset must be a non-negative integer');
    }
    const fields = { [by]: (params as Record<string, unknown>)[by], offset };
    const answer = await this.#call('/pay/refundquery', fields, { idempotent: true });
    return { ...withV2Amounts<V2RefundQueryResult>(answer), refunds: collectV2Refunds(answer) };
  }

  /**
   * Downloads a day's bill: CSV text, or the gzip bytes when `tar_type` is `GZIP` (parse the text
   * with `parseBillCsv`). "No bill" comes back as an XML `return_code=FAIL`, thrown as an API error.
   * The whole bill is held in memory; give `http` a larger `maxResponseBytes` for very large days.
   */
  downloadBill(params: V2DownloadBillParams & { tar_type: 'GZIP' }): Promise<Buffer>;
  downloadBill(params: V2DownloadBillParams): Promise<string>;
  async downloadBill(params: V2DownloadBillParams): Promise<string | Buffer> {
    validateV2DownloadBill(params);
    const path = '/pay/downloadbill';
    const fields = {
      bill_date: params.bill_date,
      bill_type: params.bill_type ?? 'ALL',
      tar_type: params.tar_type,
    };
    return this.#exchange(path, fields, { idempotent: true }, (res, check) => {
      if (res.status < 200 || res.status >= 300 || looksLikeXml(res.body)) {
        readV2Answer(path, res, check, this.#maxXmlBytes);
        throw new WechatPayFormatError(`v2 ${path}: answered XML with return_code SUCCESS instead of a bill`);
      }
      return params.tar_type === 'GZIP' ? res.body : res.body.toString('utf8');
    });
  }

  /**
   * {@link downloadBill} for a day too large to hold: the bill file's bytes chunk by chunk,
   * gunzipped when `tar_type` is `GZIP`, to read with `readBillCsv`. "No bill" and every other
   * refusal are thrown before the first chunk, as `downloadBill` throws them.
   */
  async *downloadBillStream(params: V2DownloadBillParams): AsyncGenerator<Buffer> {
    validateV2DownloadBill(params);
    const path = '/pay/downloadbill';
    const fields = {
      bill_date: params.bill_date,
      bill_type: params.bill_type ?? 'ALL',
      tar_type: params.tar_type,
    };
    const { http, request, check } = await this.#signed(path, fields, {});
    const res = await withRetry(this.#retry, () => streamWith(http, request));
    const chunks = res.body[Symbol.asyncIterator]();
    const first = await chunks.next();
    const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
    if (res.status < 200 || res.status >= 300 || looksLikeXml(head)) {
      const rest = await readStreamBody(
        { ...res, body: { [Symbol.asyncIterator]: () => chunks } },
        this.#maxXmlBytes ?? DEFAULT_MAX_XML_BYTES,
        request,
      );
      readV2Answer(
        path,
        { status: res.status, headers: res.headers, body: Buffer.concat([head, rest]) },
        check,
        this.#maxXmlBytes,
      );
      throw new WechatPayFormatError(`v2 ${path}: answered XML with return_code SUCCESS instead of a bill`);
    }
    yield* uncompressedBill(
      (async function* () {
        yield head;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      })(),
    );
  }

  /** Shortens a `weixin://wxpay/bizpayurl?…` URL so the QR code has fewer modules. */
  async shortUrl(longUrl: string): Promise<V2ShortUrlResult> {
    assertV2Text(longUrl, 'long_url', 1024);
    return withV2Amounts(await this.#call('/tools/shorturl', { long_url: longUrl }, { idempotent: true }));
  }

  /** Releases the connection pools this client opened. */
  async close(): Promise<void> {
    if (this.#ownsHttp) await this.#http.close?.();
    await this.#tlsHttp?.close();
  }

  #call(path: string, fields: object, options: CallOptions): Promise<Record<string, string>> {
    return this.#exchange(path, fields, options, (res, check) =>
      readV2Answer(path, res, check, this.#maxXmlBytes),
    );
  }

  async #exchange<T>(
    path: string,
    fields: object,
    options: CallOptions,
    read: (res: HttpResponse, check: V2AnswerCheck) => T,
  ): Promise<T> {
    const { http, request, check } = await this.#signed(path, fields, options);
    const attempt = async () => read(await http.request(request), check);
    return options.idempotent ? withRetry(this.#retry, attempt) : attempt();
  }

  /** The signed request of one call; one body for every attempt, so a retry is byte for byte the same. */
  async #signed(
    path: string,
    fields: object,
    options: Pick<CallOptions, 'tls'>,
  ): Promise<{ http: HttpClient; request: HttpRequest & { url: string }; check: V2AnswerCheck }> {
    const http = options.tls ? this.#secureHttp() : this.#http;
    const signKey = await this.#signKey();
    const message: V2Fields = {
      ...(fields as V2Fields),
      appid: this.appid,
      mch_id: this.mchid,
      nonce_str: nonceStr(),
      sign_type: this.signType === 'MD5' ? undefined : this.signType,
      sign: undefined,
    };
    const body = buildV2Xml({ ...message, sign: v2Sign(message, signKey, this.signType) });
    const url = `${this.#baseUrl}${this.sandbox ? SANDBOX_PREFIX : ''}${path}`;
    const check: V2AnswerCheck = { signKey, signType: this.signType, appid: this.appid, mchid: this.mchid };
    return {
      http,
      request: { method: 'POST', url, headers: XML_HEADERS, body, timeoutMs: this.#timeoutMs },
      check,
    };
  }

  #secureHttp(): HttpClient {
    if (!this.#tls) {
      throw new WechatPayConfigError(
        'refunds and reversals use mutual TLS (/secapi): configure `tls` with the merchant API certificate ' +
          '(apiclient_cert.pem + apiclient_key.pem, or apiclient_cert.p12)',
      );
    }
    this.#tlsHttp ??= new UndiciHttpClient({ timeoutMs: this.#timeoutMs, tls: this.#tls });
    return this.#tlsHttp;
  }

  /** Single-flight: concurrent first calls share one getsignkey request; a failure is not cached. */
  #signKey(): Promise<string> {
    if (!this.sandbox) return Promise.resolve(this.#apiKey);
    this.#sandboxKey ??= withRetry(this.#retry, () =>
      fetchSandboxSignKey(this.#http, this.#baseUrl, this.mchid, this.#apiKey, this.#timeoutMs),
    ).catch((err: unknown) => {
      this.#sandboxKey = undefined;
      throw err;
    });
    return this.#sandboxKey;
  }
}

function looksLikeXml(body: Buffer): boolean {
  const head = body
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF?\s*/, '');
  return head.startsWith('<xml') || head.startsWith('<?xml');
}
