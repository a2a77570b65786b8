import { SdkProductQrGateway, type WechatClients } from '../adapters/wechat/index.js';
import type { ProductQrGateway } from '../domain/native-mode1-ports.js';
import {
  type CreateOrder,
  GetProductQr,
  HandleProductCallback,
  type NativeMode1UseCases,
  type PaymentDeps,
} from '../use-cases/index.js';

export interface ComposedNativeMode1 {
  useCases: NativeMode1UseCases;
  /** WeChat's signed XML answers to the scan callback. */
  replies: Pick<ProductQrGateway, 'reply' | 'unreadableReply'>;
}

/**
 * Native mode 1 (product QR codes and WeChat's scan callback): the product-QR gateway over the
 * shared SDK clients; a scan creates its order through the payments feature's `CreateOrder`.
 */
export function composeNativeMode1(
  wechat: WechatClients,
  payments: PaymentDeps,
  createOrder: CreateOrder,
): ComposedNativeMode1 {
  const productQr = new SdkProductQrGateway(wechat);
  return {
    useCases: {
      getProductQr: new GetProductQr({ ...payments, productQr }),
      handleProductCallback: new HandleProductCallback({ ...payments, productQr }, createOrder),
    },
    replies: productQr,
  };
}
