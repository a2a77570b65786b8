import { SdkProductQrGateway, type WechatClients } from '../adapters/wechat/index.js';
import type { NativeMode1Operations } from '../http/native-mode1-operations.js';
import {
  type CreateOrder,
  GetProductQr,
  HandleProductCallback,
  type PaymentDeps,
} from '../use-cases/index.js';

/**
 * Native mode 1 (product QR codes and WeChat's scan callback): the product-QR gateway over the
 * shared SDK clients; a scan creates its order through the payments feature's `CreateOrder`.
 */
export function composeNativeMode1(
  wechat: WechatClients,
  payments: PaymentDeps,
  createOrder: CreateOrder,
): NativeMode1Operations {
  const productQr = new SdkProductQrGateway(wechat);
  const getProductQr = new GetProductQr({ ...payments, productQr });
  const handleProductCallback = new HandleProductCallback({ ...payments, productQr }, createOrder);
  return {
    productQrUrl: async (productId) => (await getProductQr.execute({ productId })).url,
    handleProductCallback: async (headers, rawBody, serverIp) =>
      productQr.reply((await handleProductCallback.execute({ headers, rawBody, serverIp })).answer),
    unreadableReply: () => productQr.unreadableReply(),
  };
}
