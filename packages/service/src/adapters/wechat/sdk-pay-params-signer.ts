import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  appPayParamsV2,
  appPayParamsV3,
  jsapiPayParamsV2,
  jsapiPayParamsV3,
  type V2SignType,
} from '@wechatpay-kit/sdk';
import type { Order, PayParams, PayParamsSigner } from '../../domain/index.js';
import type { WechatClients } from './wechat-clients.js';

/**
 * Pay parameters on the SDK over the shared {@link WechatClients}: v2 signs with the API key (MD5 or
 * HMAC-SHA256 — the type the order's unifiedorder was signed with), v3 with the merchant's RSA key,
 * parsed once here. A mini-program order is signed with the mini-program's appid, the one its
 * prepay was created under; signing another appid is WeChat's "支付验证签名失败".
 */
export class SdkPayParamsSigner implements PayParamsSigner {
  readonly #clients: WechatClients;
  readonly #privateKey: KeyObject;
  readonly #now: () => number;

  constructor(clients: WechatClients) {
    this.#clients = clients;
    this.#privateKey = createPrivateKey(clients.config.privateKeyPem);
    this.#now = clients.config.now ?? Date.now;
  }

  sign(order: Order): PayParams | undefined {
    const prepayId = order.prepayId;
    if (!prepayId || order.wechatErrorCode !== null) return undefined;
    const appid = this.#clients.appidFor(order.payType);
    const now = this.#now();
    switch (order.payType) {
      case 'JSAPI':
      case 'MINIPROGRAM':
        return order.apiVersion === 'v2'
          ? {
              ...jsapiPayParamsV2({
                appId: appid,
                prepayId,
                apiKey: this.#apiKey,
                signType: this.#signType(order),
                now,
              }),
            }
          : { ...jsapiPayParamsV3({ appId: appid, prepayId, privateKey: this.#privateKey, now: () => now }) };
      case 'APP': {
        const app = { appid, partnerid: this.#clients.mchid, prepayid: prepayId };
        return order.apiVersion === 'v2'
          ? { ...appPayParamsV2({ ...app, apiKey: this.#apiKey, signType: this.#signType(order), now }) }
          : { ...appPayParamsV3({ ...app, privateKey: this.#privateKey, now: () => now }) };
      }
      default:
        return undefined;
    }
  }

  get #apiKey(): string {
    return this.#clients.config.apiKey;
  }

  #signType(order: Order): V2SignType {
    return this.#clients.v2For(order.payType).signType;
  }
}
