import { createPrivateKey, type KeyObject } from 'node:crypto';
import { appPayParamsV3, jsapiPayParamsV3 } from '@wechatpay-kit/sdk';
import type { PayParams } from '../../../domain/index.js';
import type { AppPayIds, PayParamsProtocol } from '../pay-params-protocol.js';

/** v3 signs with the merchant's RSA key, parsed once here. */
export class V3PayParams implements PayParamsProtocol {
  readonly #privateKey: KeyObject | undefined;

  constructor(privateKeyPem: string | undefined) {
    this.#privateKey = privateKeyPem ? createPrivateKey(privateKeyPem) : undefined;
  }

  jsapi(appId: string, prepayId: string, _order: unknown, now: number): PayParams {
    return { ...jsapiPayParamsV3({ appId, prepayId, privateKey: this.#rsaKey, now: () => now }) };
  }

  app(ids: AppPayIds, _order: unknown, now: number): PayParams {
    return { ...appPayParamsV3({ ...ids, privateKey: this.#rsaKey, now: () => now }) };
  }

  /** v3 orders exist only when v3 is configured, and v3 needs the private key. */
  get #rsaKey(): KeyObject {
    if (!this.#privateKey) throw new Error('API v3 pay parameters need the merchant private key');
    return this.#privateKey;
  }
}
