/**
 * `@wechatpay-kit/sdk/koa`: WeChat Pay callbacks as Koa middleware. Koa is not a dependency: the
 * middleware names only the parts of Koa's context it touches.
 *
 * ```ts
 * app.use(koaNotifications(v3NotificationEndpoint(client, { 'TRANSACTION.SUCCESS': onPaid }), { path: '/notify/v3' }));
 * app.use(bodyParser()); // after: the callback needs the raw body
 * ```
 */
import type { IncomingMessage } from 'node:http';
import type { NotificationEndpoint } from './frameworks/notification-endpoint.js';

/** What the middleware reads and writes of Koa's `ctx`. */
export interface KoaContextLike {
  req: IncomingMessage;
  /** Read only for the `body` a body parser may have left, to explain a consumed stream. */
  request: object;
  method: string;
  path: string;
  status: number;
  body: unknown;
  set(field: string, value: string): void;
}

export interface KoaNotificationsOptions {
  /** Answer only `POST` to this path and pass everything else on; without it, every request is the callback (use with a router). */
  path?: string;
}

/**
 * Reads the raw body from `ctx.req` itself, so it must run before any body parser (or on a path
 * the parser skips); if a parser got there first, WeChat gets a failure and `onError` an error
 * saying how to mount it. The answer is always WeChat's format, never Koa's error page.
 */
export function koaNotifications(
  endpoint: NotificationEndpoint,
  options: KoaNotificationsOptions = {},
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
  return async (ctx, next) => {
    if (options.path !== undefined && (ctx.path !== options.path || ctx.method !== 'POST')) {
      await next();
      return;
    }
    const reply = await endpoint.handle({
      headers: ctx.req.headers,
      stream: ctx.req,
      parsedBody: (ctx.request as { body?: unknown }).body,
      framework: 'koa',
    });
    ctx.status = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) ctx.set(name, value);
    ctx.body = reply.body;
  };
}
