import type { FastifyPluginAsync } from 'fastify';
import type { NativeMode1Operations } from '../native-mode1-operations.js';

import { acceptRawBodies } from './raw-body.js';
import { send } from './send-wechat-reply.js';

export interface NativeCallbackRoutesOptions {
  nativeMode1: NativeMode1Operations;
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
  { nativeMode1 },
) => {
  acceptRawBodies(app, CALLBACK_BODY_LIMIT);
  app.setErrorHandler(async (error, request, reply) => {
    request.log.warn({ err: error }, 'product callback refused before handling');
    return send(reply, nativeMode1.unreadableReply());
  });

  app.post(
    '/api/native/callback',
    { schema: { tags: ['wechat'], summary: 'WeChat Pay Native mode-1 scan callback (v2 XML, verified)' } },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const serverIp = (request.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      return send(reply, await nativeMode1.handleProductCallback(request.headers, body, serverIp));
    },
  );
};
