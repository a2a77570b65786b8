import { WechatPayValidationError } from '../errors.js';
import type { V3CodepayParams, V3ReverseParams } from './v3-codepay-types.js';
import type {
  V3AppOrderParams,
  V3H5OrderParams,
  V3H5OrderResult,
  V3JsapiOrderParams,
  V3NativeOrderParams,
  V3NativeOrderResult,
  V3OrderParams,
  V3PrepayResult,
  V3Transaction,
  V3Transport,
} from './v3-types.js';
import { assertIdentifier, assertOutTradeNo, validateCodepay, validateOrder } from './v3-validators.js';

/**
 * `/v3/pay/transactions/*`: create, query and close orders, charge and reverse payment codes. Creation is retried on transient
 * failures because WeChat deduplicates by `out_trade_no` (same parameters → same prepay);
 * closing is not, since a retried close can hide the first attempt's real answer.
 */
export class TransactionsResource {
  readonly #transport: V3Transport;

  constructor(transport: V3Transport) {
    this.#transport = transport;
  }

  /** Native (QR code) order → `code_url`. */
  async native(params: V3NativeOrderParams): Promise<V3NativeOrderResult> {
    return this.#create('native', params);
  }

  /** JSAPI order, also used by mini-programs (with the mini-program's `appid`) → `prepay_id`. */
  async jsapi(params: V3JsapiOrderParams): Promise<V3PrepayResult> {
    assertIdentifier(params?.payer?.openid, 'payer.openid');
    return this.#create('jsapi', params);
  }

  /** In-app order → `prepay_id`, to be turned into `appPayParamsV3`. */
  async app(params: V3AppOrderParams): Promise<V3PrepayResult> {
    return this.#create('app', params);
  }

  /** H5 (mobile browser outside WeChat) order → `h5_url`; WeChat checks the payer's IP. */
  async h5(params: V3H5OrderParams): Promise<V3H5OrderResult> {
    if (typeof params?.scene_info?.payer_client_ip !== 'string' || !params.scene_info.h5_info?.type) {
      throw new WechatPayValidationError(
        'scene_info',
        'H5 orders need scene_info.payer_client_ip and scene_info.h5_info.type',
      );
    }
    return this.#create('h5', params);
  }

  /**
   * Charges a payment code (付款码) the cashier scanned → the transaction, usually `SUCCESS`. Not
   * retried: `USERPAYING` (the customer is entering the password), `SYSTEM_ERROR`, `BANK_ERROR`
   * or a lost answer leave the result unknown, thrown as `WechatPayApiError` with WeChat's code;
   * query, and reverse if still unknown — `collectPaymentCode` does exactly that.
   */
  async codepay(params: V3CodepayParams): Promise<V3Transaction> {
    validateCodepay(params);
    return this.#transport.request('POST', '/v3/pay/transactions/codepay', {
      body: { ...params, mchid: this.#transport.mchid },
    });
  }

  /**
   * Reverses (撤销) a payment-code order: refunded if paid, closed if not, `REVOKED` afterwards.
   * Retried on transient failures, since WeChat asks to call it again until it succeeds.
   */
  async reverse(outTradeNo: string, params: V3ReverseParams): Promise<void> {
    assertOutTradeNo(outTradeNo);
    assertIdentifier(params?.appid, 'appid');
    await this.#transport.request(
      'POST',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/reverse`,
      { body: { appid: params.appid, mchid: this.#transport.mchid }, idempotent: true },
    );
  }

  /** Query by WeChat's `transaction_id` (only exists once paid). */
  async queryById(transactionId: string): Promise<V3Transaction> {
    assertIdentifier(transactionId, 'transaction_id');
    return this.#transport.request('GET', `/v3/pay/transactions/id/${encodeURIComponent(transactionId)}`, {
      query: { mchid: this.#transport.mchid },
      idempotent: true,
    });
  }

  /** Query by the merchant's `out_trade_no`; the only way to see an unpaid order. */
  async queryByOutTradeNo(outTradeNo: string): Promise<V3Transaction> {
    assertOutTradeNo(outTradeNo);
    return this.#transport.request(
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`,
      {
        query: { mchid: this.#transport.mchid },
        idempotent: true,
      },
    );
  }

  /** Closes an unpaid order so it can no longer be paid; WeChat answers 204. */
  async close(outTradeNo: string): Promise<void> {
    assertOutTradeNo(outTradeNo);
    await this.#transport.request(
      'POST',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`,
      {
        body: { mchid: this.#transport.mchid },
      },
    );
  }

  async #create<T>(
    kind: 'native' | 'jsapi' | 'app' | 'h5',
    params: V3OrderParams | V3H5OrderParams,
  ): Promise<T> {
    validateOrder(params as V3OrderParams);
    return this.#transport.request<T>('POST', `/v3/pay/transactions/${kind}`, {
      body: { ...params, mchid: this.#transport.mchid },
      idempotent: true,
    });
  }
}
