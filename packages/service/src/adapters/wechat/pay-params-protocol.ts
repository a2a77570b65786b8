import type { Order, PayParams } from '../../domain/index.js';

/** What the App SDK's `PayReq` names the merchant and the prepay. */
export interface AppPayIds {
  appid: string;
  partnerid: string;
  prepayid: string;
}

/**
 * The client-side pay parameters (`paySign`) in one API version's dialect: what `SdkPayParamsSigner`
 * chooses between by the order's `apiVersion`.
 */
export interface PayParamsProtocol {
  /** JSAPI (official account) and mini-program `requestPayment`. */
  jsapi(appId: string, prepayId: string, order: Order, now: number): PayParams;
  /** The App SDK's `PayReq`. */
  app(ids: AppPayIds, order: Order, now: number): PayParams;
}
