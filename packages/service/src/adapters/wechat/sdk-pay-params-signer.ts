import type { ApiVersion, Order, PayParams, PayParamsSigner } from '../../domain/index.js';
import type { PayParamsProtocol } from './pay-params-protocol.js';
import { V2PayParams } from './v2/v2-pay-params.js';
import { V3PayParams } from './v3/v3-pay-params.js';
import type { WechatClients } from './wechat-clients.js';

/**
 * Pay parameters on the SDK over the shared {@link WechatClients}, in the dialect of the order's API
 * version ({@link V2PayParams}, {@link V3PayParams}). A mini-program order is signed with the
 * mini-program's appid, the one its prepay was created under; signing another appid is WeChat's
 * "支付验证签名失败".
 */
export class SdkPayParamsSigner implements PayParamsSigner {
  readonly #clients: WechatClients;
  readonly #byVersion: Readonly<Record<ApiVersion, PayParamsProtocol>>;
  readonly #now: () => number;

  constructor(clients: WechatClients) {
    this.#clients = clients;
    this.#byVersion = { v2: new V2PayParams(clients), v3: new V3PayParams(clients.config.privateKeyPem) };
    this.#now = clients.config.now ?? Date.now;
  }

  sign(order: Order): PayParams | undefined {
    const prepayId = order.prepayId;
    if (!prepayId || order.wechatErrorCode !== null) return undefined;
    const appid = this.#clients.appidFor(order.payType);
    const dialect = this.#byVersion[order.apiVersion];
    switch (order.payType) {
      case 'JSAPI':
      case 'MINIPROGRAM':
        return dialect.jsapi(appid, prepayId, order, this.#now());
      case 'APP':
        return dialect.app({ appid, partnerid: this.#clients.mchid, prepayid: prepayId }, order, this.#now());
      default:
        return undefined;
    }
  }
}
