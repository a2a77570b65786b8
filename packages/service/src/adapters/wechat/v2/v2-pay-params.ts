import { appPayParamsV2, jsapiPayParamsV2, type V2SignType } from '@wechatpay-kit/sdk';
import type { Order, PayParams } from '../../../domain/index.js';
import type { AppPayIds, PayParamsProtocol } from '../pay-params-protocol.js';
import type { WechatClients } from '../wechat-clients.js';

/** v2 signs with the API key, by the type (MD5 or HMAC-SHA256) the order's `unifiedorder` was signed with. */
export class V2PayParams implements PayParamsProtocol {
  readonly #clients: WechatClients;

  constructor(clients: WechatClients) {
    this.#clients = clients;
  }

  jsapi(appId: string, prepayId: string, order: Order, now: number): PayParams {
    return {
      ...jsapiPayParamsV2({
        appId,
        prepayId,
        apiKey: this.#clients.apiKey,
        signType: this.#signType(order),
        now,
      }),
    };
  }

  app(ids: AppPayIds, order: Order, now: number): PayParams {
    return {
      ...appPayParamsV2({ ...ids, apiKey: this.#clients.apiKey, signType: this.#signType(order), now }),
    };
  }

  #signType(order: Order): V2SignType {
    return this.#clients.v2For(order.payType).signType;
  }
}
