import type { ApiVersion, Order, WechatGateway, WechatTradeStatus } from '../../domain/index.js';
import type { PaymentProtocol, Prepay, TradeRef } from './payment-protocol.js';
import { V2PaymentGateway } from './v2/v2-payment-gateway.js';
import { V3PaymentGateway } from './v3/v3-payment-gateway.js';
import { WechatClients, type WechatMerchantConfig } from './wechat-clients.js';
import { toGatewayError } from './wechat-error-mapper.js';

/**
 * The WeChat Pay port on the SDK: one `V2Client` and one `V3Client` for the process (keys parsed
 * once, connections kept alive), each order served by the dialect of the API version it was created
 * with ({@link V2PaymentGateway}, {@link V3PaymentGateway}). The config is held privately and never
 * echoed: errors carry WeChat's codes, not the request.
 */
export class SdkWechatGateway implements WechatGateway {
  readonly appid: string;
  readonly appids: readonly string[];
  readonly mchid: string;
  readonly apiVersions: readonly ApiVersion[];
  /** The SDK clients, shared with the other WeChat adapters (refunds, pay parameters, mode 1). */
  readonly clients: WechatClients;
  readonly #byVersion: Readonly<Record<ApiVersion, PaymentProtocol>>;

  /** Builds its own {@link WechatClients} from a config, or shares ones already built. */
  constructor(config: WechatMerchantConfig | WechatClients) {
    const clients = config instanceof WechatClients ? config : new WechatClients(config);
    this.clients = clients;
    this.appid = clients.appid;
    this.appids = clients.appids;
    this.mchid = clients.mchid;
    this.apiVersions = clients.apiVersions;
    this.#byVersion = { v2: new V2PaymentGateway(clients), v3: new V3PaymentGateway(clients) };
  }

  async createPrepay(order: Order): Promise<Prepay> {
    try {
      const prepay = await this.#byVersion[order.apiVersion].createPrepay(order);
      return prepay.h5Url ? { ...prepay, h5Url: this.#withReturn(prepay.h5Url, order) } : prepay;
    } catch (error) {
      throw toGatewayError(`${order.apiVersion} create order`, error);
    }
  }

  async query(order: TradeRef): Promise<WechatTradeStatus> {
    try {
      return await this.#byVersion[order.apiVersion].query(order);
    } catch (error) {
      throw toGatewayError(`${order.apiVersion} query`, error);
    }
  }

  async close(order: TradeRef): Promise<'CLOSED' | 'ALREADY_PAID'> {
    try {
      return await this.#byVersion[order.apiVersion].close(order);
    } catch (error) {
      throw toGatewayError(`${order.apiVersion} close`, error);
    }
  }

  /** Releases the HTTP connection pools. */
  async shutdown(): Promise<void> {
    await this.clients.close();
  }

  /**
   * WeChat's H5 cashier sends the browser back to `redirect_url` (URL-encoded, appended by the
   * merchant) once the payer paid or cancelled in WeChat: here the shopper's order page, which asks
   * the server whether it was paid — the return itself proves nothing.
   */
  #withReturn(h5Url: string, order: Order): string {
    const back = `${this.clients.notifyBaseUrl}/h5/orders/${encodeURIComponent(order.orderNo)}`;
    return `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(back)}`;
  }
}
