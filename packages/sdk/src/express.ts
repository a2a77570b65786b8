/**
 * `@wechatpay-kit/sdk/express`: WeChat Pay callbacks as an Express handler. Express is not a
 * dependency: the handler takes Node's request and response, which Express's extend.
 *
 * ```ts
 * app.post('/notify/v3', expressNotifications(v3NotificationEndpoint(client, { 'TRANSACTION.SUCCESS': onPaid })));
 * app.use(express.json()); // after, or on other routes only: the callback needs the raw body
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NotificationEndpoint } from './frameworks/notification-endpoint.js';

/**
 * Reads the raw body from the request stream itself, so mount it before `express.json()` /
 * `express.text()` (or on a route without them); if a parser got there first, WeChat gets a
 * failure and `onError` an error saying how to mount it. It answers in WeChat's format and never
 * calls `next(err)`, so Express's error page cannot show.
 */
export function expressNotifications(
  endpoint: NotificationEndpoint,
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next?: unknown) => void {
  return (req, res) => {
    endpoint
      .handle({ headers: req.headers, stream: req, parsedBody: req.body, framework: 'express' })
      .then((reply) => {
        if (!res.headersSent) res.writeHead(reply.status, reply.headers).end(reply.body);
      })
      .catch(() => res.destroy());
  };
}
