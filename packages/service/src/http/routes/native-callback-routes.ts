import type { FastifyPluginAsync } from 'fastify';
import type { ProductQrGateway } from '../../domain/native-mode1-ports.js';
import type { NativeMode1UseCases } from '../../use-cases/index.js';

import { acceptRawBodies } from './raw-body.js';
import { send } from './send-wechat-reply.js';

export interface NativeCallbackRoutesOptions {
  nativeMode1: Pick<NativeMode1UseCases, 'handleProductCallback'>;
  /** The answers in WeChat's signed XML. */
  replies: Pick<ProductQrGateway, 'reply' | 'unreadableReply'>;
}

/** A scan callback is a few hundred bytes; anything bigger is not from WeChat. */
const CALLBACK_BODY_LIMIT = 16 * 1024;

/**
 * WeChat's Native mode-1 scan callback (API v2 XML). The body is kept as received (the sign covers
 * it) and every outcome is answered 200 with WeChat's XML — the use case signs its answers; only a
 * request refused before it (too big, unreadable) gets a bare unsigned `return_code` FAIL.
 */
export const nativeCallbackRoutes: FastifyPluginAsync<NativeCallbackRoutesOptions> = async (
  app,
  { nativeMode1, replies },
) => {
  acceptRawBodies(app, CALLBACK_BODY_LIMIT);
  app.setErrorHandler(async (error, request, reply) => {
    request.log.warn({ err: error }, 'product callback refused before handling');
    return send(reply, replies.unreadableReply());
  });

  app.post(
    '/api/native/callback',
    { schema: { tags: ['wechat'], summary: 'WeChat Pay Native mode-1 scan callback (v2 XML, verified)' } },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const serverIp = (request.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      const { answer } = await nativeMode1.handleProductCallback.execute({
        headers: request.headers,
        rawBody: body,
        serverIp,
      });
      return send(reply, replies.reply(answer));
    },
  );
};
