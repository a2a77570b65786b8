import {
  buildBizPayUrl,
  buildProductCallbackReply,
  buildV2Xml,
  parseProductCallback,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '@wechatpay-kit/sdk';
import { DomainError, type WechatReply } from '../../domain/index.js';
import type { ProductQrGateway, ProductScan, ProductScanAnswer } from '../../domain/native-mode1-ports.js';
import { XML_CONTENT } from './v2/v2-inbound-notifications.js';
import type { WechatClients } from './wechat-clients.js';
import { safeReason } from './wechat-error-mapper.js';

/** WeChat shows `err_code_des` to the buyer; longer texts are cut rather than refused. */
const MAX_ANSWER_TEXT = 128;

/**
 * Native mode 1 on the SDK and the shared {@link WechatClients}: product codes and scan callbacks are
 * API v2, signed with the merchant's v2 key, under the official account's appid.
 */
export class SdkProductQrGateway implements ProductQrGateway {
  readonly appid: string;
  readonly mchid: string;
  readonly #clients: WechatClients;
  readonly #now: () => number;

  constructor(clients: WechatClients) {
    this.appid = clients.appid;
    this.mchid = clients.mchid;
    this.#clients = clients;
    this.#now = clients.config.now ?? Date.now;
  }

  bizPayUrl(productId: string): string {
    return buildBizPayUrl(
      { appid: this.appid, mch_id: this.mchid, product_id: productId },
      this.#clients.apiKey,
      this.#now(),
    );
  }

  verifyScan(rawBody: Buffer): ProductScan {
    try {
      const callback = parseProductCallback(rawBody, this.#clients.apiKey);
      return {
        appid: callback.appid,
        mchid: callback.mch_id,
        openid: callback.openid,
        productId: callback.product_id,
        nonceStr: callback.nonce_str,
      };
    } catch (error) {
      const reason =
        error instanceof WechatPaySignatureError
          ? 'bad-signature'
          : error instanceof WechatPayFormatError
            ? 'malformed'
            : 'unreadable';
      throw new DomainError('NOTIFICATION_REJECTED', `product callback rejected: ${safeReason(error)}`, {
        reason,
      });
    }
  }

  reply(answer: ProductScanAnswer): WechatReply {
    return { status: 200, headers: { ...XML_CONTENT }, body: this.#signed(answer) };
  }

  unreadableReply(): WechatReply {
    const body = buildV2Xml({ return_code: 'FAIL', return_msg: '参数格式校验错误' });
    return { status: 200, headers: { ...XML_CONTENT }, body };
  }

  #signed(answer: ProductScanAnswer): string {
    const ours = { appid: this.appid, mch_id: this.mchid };
    switch (answer.kind) {
      case 'prepay':
        return buildProductCallbackReply({ ...ours, prepay_id: answer.prepayId }, this.#clients.apiKey);
      case 'declined':
        return buildProductCallbackReply(
          { ...ours, err_code_des: answer.message.slice(0, MAX_ANSWER_TEXT) },
          this.#clients.apiKey,
        );
      case 'refused':
        return buildProductCallbackReply(
          { ...ours, return_code: 'FAIL', return_msg: answer.message.slice(0, MAX_ANSWER_TEXT) },
          this.#clients.apiKey,
        );
    }
  }
}
