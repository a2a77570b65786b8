import { DomainError, type Order } from '../domain/index.js';
import type { ProductQrGateway, ProductScan, ProductScanAnswer } from '../domain/native-mode1-ports.js';
import type { CreateOrder } from './create-order.js';
import { keptHeaders } from './handle-payment-notification.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface HandleProductCallbackInput {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The service's own address (WeChat wants the calling server's IP for Native orders). */
  serverIp: string;
}

export interface HandleProductCallbackOutput {
  answer: ProductScanAnswer;
  /** The order created (or found again, for a replay). */
  orderNo: string | null;
}

export type HandleProductCallbackDeps = Pick<PaymentDeps, 'orders' | 'notifications' | 'clock' | 'logger'> & {
  productQr: ProductQrGateway;
};

export interface HandleProductCallbackOptions {
  /**
   * How long the order and its unifiedorder may take before the buyer is told to scan again.
   * WeChat waits 5 s for the whole answer; default 3.5 s leaves room for the rest.
   */
  answerWithinMs?: number;
}

const BUSY = '系统繁忙，请稍后重新扫码 (service busy, please scan again)';

/**
 * Native mode 1: a buyer scanned a product's QR code and WeChat asks which order to pay. The callback
 * is verified (our v2 key, our appid and mch_id), an order is created for the product and the buyer's
 * openid through {@link CreateOrder} — same rules, same close/reconcile jobs — as a v2 NATIVE order,
 * and its prepay_id is answered, signed. The exact same callback again (same openid, product and
 * nonce) is a replay: it creates nothing and gets the same answer. Every callback is logged with its
 * raw body, whether it verified, and what came of it.
 */
export class HandleProductCallback {
  readonly #deps: HandleProductCallbackDeps;
  readonly #createOrder: CreateOrder;
  readonly #answerWithinMs: number;

  constructor(
    deps: HandleProductCallbackDeps,
    createOrder: CreateOrder,
    options: HandleProductCallbackOptions = {},
  ) {
    this.#deps = deps;
    this.#createOrder = createOrder;
    this.#answerWithinMs = options.answerWithinMs ?? 3_500;
  }

  async execute(input: HandleProductCallbackInput): Promise<HandleProductCallbackOutput> {
    const { productQr } = this.#deps;
    let scan: ProductScan;
    try {
      scan = productQr.verifyScan(input.rawBody);
    } catch (error) {
      const reason = error instanceof DomainError ? String(error.details.reason) : 'unreadable';
      const message = reason === 'bad-signature' ? '签名失败' : '参数格式校验错误';
      return this.#finish(input, false, `rejected: ${reason}`, null, { kind: 'refused', message });
    }
    if (scan.appid !== productQr.appid || scan.mchid !== productQr.mchid) {
      return this.#finish(input, true, 'rejected: another merchant', null, {
        kind: 'refused',
        message: `appid/mch_id ${scan.appid}/${scan.mchid} 不属于本商户`,
      });
    }

    const key = `${scan.openid}/${scan.productId}/${scan.nonceStr}`;
    const replayed = await this.#deps.orders.findByMode1CallbackKey(key);
    if (replayed) return this.#finish(input, true, 'replayed', replayed.orderNo, answerFor(replayed));

    let order: Order | 'timeout';
    try {
      order = await this.#withinBudget(
        this.#createOrder.execute({
          productId: scan.productId,
          payType: 'NATIVE',
          apiVersion: 'v2',
          openid: scan.openid,
          clientIp: input.serverIp,
          mode1CallbackKey: key,
        }),
      );
    } catch (error) {
      const declined = declineReason(error);
      if (!declined) {
        // A copy of this very callback racing this one wins the unique key: answer as a replay.
        const winner = await this.#deps.orders.findByMode1CallbackKey(key);
        if (winner) return this.#finish(input, true, 'replayed', winner.orderNo, answerFor(winner));
        this.#deps.logger?.error({ err: String(error) }, 'mode-1 order creation failed');
        return this.#finish(input, true, 'error: order not created', null, {
          kind: 'declined',
          message: BUSY,
        });
      }
      return this.#finish(input, true, `declined: ${declined.outcome}`, null, {
        kind: 'declined',
        message: declined.message,
      });
    }
    if (order === 'timeout') {
      return this.#finish(input, true, 'declined: no prepay in time', null, {
        kind: 'declined',
        message: BUSY,
      });
    }
    const answer = answerFor(order);
    const outcome = answer.kind === 'prepay' ? 'order-created' : `declined: ${order.wechatErrorCode}`;
    return this.#finish(input, true, outcome, order.orderNo, answer);
  }

  /** The order keeps being created after the deadline; its prepay or error is stored when it comes. */
  async #withinBudget(work: Promise<Order>): Promise<Order | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        late = true;
        resolve('timeout');
      }, this.#answerWithinMs);
    });
    work.catch((error: unknown) => {
      if (late)
        this.#deps.logger?.warn({ err: String(error) }, 'mode-1 order creation failed after its deadline');
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #finish(
    input: HandleProductCallbackInput,
    verified: boolean,
    outcome: string,
    orderNo: string | null,
    answer: ProductScanAnswer,
  ): Promise<HandleProductCallbackOutput> {
    await this.#deps.notifications.record({
      apiVersion: 'v2',
      kind: 'product-callback',
      orderNo,
      rawBody: input.rawBody.toString('utf8'),
      headers: keptHeaders(input.headers),
      verified,
      outcome,
      receivedAt: this.#deps.clock.now(),
    });
    if (answer.kind !== 'prepay')
      this.#deps.logger?.warn({ orderNo, outcome }, 'mode-1 scan not answered with a prepay');
    return { answer, orderNo };
  }
}

/** What a scan of an existing order is answered: its prepay, or why it has none. */
function answerFor(order: Order): ProductScanAnswer {
  if (order.prepayId) return { kind: 'prepay', prepayId: order.prepayId };
  if (order.wechatErrorCode) {
    return {
      kind: 'declined',
      message: `微信支付下单失败 ${order.wechatErrorCode}: ${order.wechatErrorMessage ?? ''}`.trimEnd(),
    };
  }
  return { kind: 'declined', message: BUSY };
}

/** The buyer-facing reason for a refused order, or `undefined` for an unexpected failure. */
function declineReason(error: unknown): { outcome: string; message: string } | undefined {
  if (!(error instanceof DomainError)) return undefined;
  switch (error.code) {
    case 'PRODUCT_NOT_FOUND':
      return { outcome: 'unknown product', message: '商品不存在 (no such product)' };
    case 'PRODUCT_UNAVAILABLE':
      return error.details.reason === 'SOLD_OUT'
        ? { outcome: 'sold out', message: '商品已售完 (sold out)' }
        : { outcome: 'inactive product', message: '商品已下架 (no longer sold)' };
    case 'INVALID_AMOUNT':
      return { outcome: 'invalid price', message: '商品价格有误，暂不能购买 (product cannot be sold)' };
    default:
      return undefined;
  }
}
