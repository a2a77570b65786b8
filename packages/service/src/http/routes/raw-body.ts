import type { FastifyInstance } from 'fastify';

/**
 * Makes the (encapsulated) plugin keep every request body as the exact bytes received, whatever its
 * content type: WeChat's signatures cover those bytes, and its callbacks' content types vary.
 */
export function acceptRawBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}
