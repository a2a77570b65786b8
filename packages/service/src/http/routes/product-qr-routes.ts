import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { NativeMode1UseCases } from '../../use-cases/index.js';
import { errorResponses } from '../api-schemas.js';
import { QR_TYPES, sendQrCode } from '../qr-code-image.js';

export interface ProductQrRoutesOptions {
  nativeMode1: Pick<NativeMode1UseCases, 'getProductQr'>;
}

/** WeChat's `product_id` is at most 32 characters. */
const ProductIdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9A-Za-z_\\-]{1,32}$' }) });
const BizPayUrlSchema = Type.Object({
  productId: Type.String(),
  url: Type.String({ description: 'weixin://wxpay/bizpayurl?sign=…&product_id=…: the QR content' }),
});

/**
 * Native mode 1: a static QR code per product (posters, vending machines). Each request signs a fresh
 * code (new nonce); every one of them stays valid, so a code may be cached and printed.
 */
export const productQrRoutes: FastifyPluginAsyncTypebox<ProductQrRoutesOptions> = async (
  app,
  { nativeMode1 },
) => {
  app.get(
    '/api/products/:id/bizpayurl',
    {
      schema: {
        tags: ['checkout'],
        summary: 'The Native mode-1 QR content of a product (signed bizpayurl)',
        params: ProductIdParamsSchema,
        response: { 200: BizPayUrlSchema, ...errorResponses },
      },
    },
    async (request) => nativeMode1.getProductQr.execute({ productId: request.params.id }),
  );

  for (const format of ['svg', 'png'] as const) {
    app.get(
      `/api/products/:id/qrcode.${format}`,
      {
        schema: {
          tags: ['checkout'],
          summary: 'The Native mode-1 QR code of a product, as an image',
          params: ProductIdParamsSchema,
          produces: [QR_TYPES[format]],
        },
      },
      async (request, reply) =>
        sendQrCode(
          reply,
          (await nativeMode1.getProductQr.execute({ productId: request.params.id })).url,
          format,
          'public, max-age=3600',
        ),
    );
  }
};
