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
  readonly #privateKey: KeyObject | undefined;
  readonly #now: () => number;

  constructor(clients: WechatClients) {
    this.#clients = clients;
    const pem = clients.config.privateKeyPem;
    this.#privateKey = pem ? createPrivateKey(pem) : undefined;
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
          : { ...jsapiPayParamsV3({ appId: appid, prepayId, privateKey: this.#rsaKey, now: () => now }) };
      case 'APP': {
        const app = { appid, partnerid: this.#clients.mchid, prepayid: prepayId };
        return order.apiVersion === 'v2'
          ? { ...appPayParamsV2({ ...app, apiKey: this.#apiKey, signType: this.#signType(order), now }) }
          : { ...appPayParamsV3({ ...app, privateKey: this.#rsaKey, now: () => now }) };
      }
      default:
        return undefined;
    }
  }

  get #apiKey(): string {
    return this.#clients.apiKey;
  }

  /** v3 orders exist only when v3 is configured, and v3 needs the private key. */
  get #rsaKey(): KeyObject {
    if (!this.#privateKey) throw new Error('API v3 pay parameters need the merchant private key');
    return this.#privateKey;
  }

  #signType(order: Order): V2SignType {
    return this.#clients.v2For(order.payType).signType;
  }
}
