import { WechatPayNotificationError } from '../errors.js';

/** The web framework a handler runs in: it decides which mounting advice an error gives. */
export type FrameworkName = 'koa' | 'express' | 'fastify' | 'nest' | 'node';

const MOUNTING: Record<FrameworkName, { zh: string; en: string }> = {
  koa: {
    zh: '请把 koaNotifications(...) 放在 koa-bodyparser / koa-body 之前，或让 body parser 跳过这个路径',
    en: 'use koaNotifications(...) before koa-bodyparser / koa-body, or make the parser skip this path',
  },
  express: {
    zh: '请把 expressNotifications(...) 挂在 express.json() / express.text() / body-parser 之前，或挂在没有 body parser 的路由上',
    en: 'mount expressNotifications(...) before express.json() / express.text() / body-parser, or on a route without the parser',
  },
  fastify: {
    zh: '请用 app.register(fastifyNotifications, { routes }) 注册（它在独立的封装上下文里自带原始请求体解析器），不要在自己的路由里调用',
    en: 'register it with app.register(fastifyNotifications, { routes }) (it brings its own raw content-type parser in an encapsulated context) instead of calling it from your own route',
  },
  nest: {
    zh: '请用 NestFactory.create(AppModule, { rawBody: true }) 创建应用，并把 req.rawBody 作为 rawBody 交给端点',
    en: 'create the app with NestFactory.create(AppModule, { rawBody: true }) and hand req.rawBody to the endpoint as rawBody',
  },
  node: {
    zh: '请把原始请求（IncomingMessage）原样交给处理器，不要先读取或解析请求体',
    en: 'hand the untouched IncomingMessage to the handler; do not read or parse the body first',
  },
};

/**
 * The error for a body a parser got to first. Verifying needs the exact bytes WeChat signed, and
 * a parsed object (or an emptied stream) no longer has them, so this says which and how to mount.
 */
export function bodyAlreadyConsumed(framework: FrameworkName, parsed: boolean): WechatPayNotificationError {
  const how = MOUNTING[framework];
  const zh = parsed ? '请求体已被 body parser 解析' : '请求体已被读取';
  const en = parsed
    ? 'the request body was already parsed by a body parser'
    : 'the request body was already read';
  return new WechatPayNotificationError(
    parsed ? 'already-parsed' : 'already-read',
    `${zh}，验签需要微信发来的原始字节：${how.zh}。${en}, and the signature covers the raw bytes WeChat sent: ${how.en}.`,
  );
}
