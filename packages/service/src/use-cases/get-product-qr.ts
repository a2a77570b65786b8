import { DomainError } from '../domain/index.js';
import type { ProductQrGateway } from '../domain/native-mode1-ports.js';
import type { PaymentDeps } from './use-case-deps.js';

export type GetProductQrDeps = Pick<PaymentDeps, 'products'> & { productQr: ProductQrGateway };

/**
 * The Native mode-1 QR content of a product, for a poster or a vending machine. WeChat does not
 * expire these codes (the `time_stamp` inside only feeds the signature), so one printed code keeps
 * selling; a sold-out product still has its code — the scan answers "sold out" — while a product
 * taken off sale has none.
 */
export class GetProductQr {
  readonly #deps: GetProductQrDeps;

  constructor(deps: GetProductQrDeps) {
    this.#deps = deps;
  }

  async execute(input: { productId: string }): Promise<{ productId: string; url: string }> {
    const product = await this.#deps.products.find(input.productId);
    if (!product?.active) throw new DomainError('PRODUCT_NOT_FOUND', `no product ${input.productId} on sale`);
    return { productId: product.id, url: this.#deps.productQr.bizPayUrl(product.id) };
  }
}
