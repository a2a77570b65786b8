/**
 * `@wechatpay-kit/sdk/fastify`: WeChat Pay callbacks as a Fastify plugin. Fastify is not a
 * dependency (only its types are named).
 *
 * ```ts
 * await app.register(fastifyNotifications, {
 *   routes: { '/notify/v3': v3NotificationEndpoint(client, { 'TRANSACTION.SUCCESS': onPaid }) },
 * });
 * ```
 */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { NotificationEndpoint } from './frameworks/notification-endpoint.js';

export interface FastifyNotificationsOptions {
  /** Callback path → endpoint; each is registered as a `POST` route (prefixes from `register` apply). */
  routes: Record<string, NotificationEndpoint>;
}

/**
 * Registers the routes in the plugin's own encapsulated context with one content-type parser that
 * hands the raw stream through, so the app's JSON or XML parsers elsewhere cannot touch the bytes
 * WeChat signed. Do not wrap it in `fastify-plugin`: that would remove the encapsulation.
 */
export const fastifyNotifications: FastifyPluginAsync<FastifyNotificationsOptions> = async (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  for (const [path, endpoint] of Object.entries(options.routes))
    app.post(path, fastifyNotificationHandler(endpoint));
};

/**
 * The route handler alone, for a route you declare yourself. It needs the raw stream as the body:
 * under Fastify's default parsers a JSON or XML body arrives parsed, and WeChat then gets a failure
 * and `onError` an error saying to use {@link fastifyNotifications} instead.
 */
export function fastifyNotificationHandler(
  endpoint: NotificationEndpoint,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (request, reply) => {
    const body = request.body;
    const raw = isReadable(body);
    const answer = await endpoint.handle({
      headers: request.headers,
      stream: raw ? body : request.raw,
      parsedBody: raw ? undefined : body,
      framework: 'fastify',
    });
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}
