import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { resolveAbuseLimits } from '../config/abuse-limits-config.js';
import { installAdminGuard } from './admin-guard.js';
import { ClientRateLimiter } from './client-rate-limiter.js';
import { clientErrorAnswer, DOMAIN_STATUS, errorHandler } from './error-mapper.js';
import type { HttpAppOptions } from './http-app-options.js';
import { redactingLoggerOptions } from './log-redaction.js';
import { MerchantApiKeys } from './merchant-api-auth.js';
import { documentOperations } from './openapi-document.js';
import { OPENAPI_TAGS, openApiInfo, SERVICE_VERSION } from './openapi-info.js';
import { OrderEventStreams } from './order-event-stream.js';
import { fieldErrorFormatter, strictValidatorCompiler } from './request-validator.js';
import { recordRoutes } from './route-table.js';
import { adminAuditRoutes } from './routes/admin-audit-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { adminSessionRoutes } from './routes/admin-session-routes.js';
import { adminUserRoutes } from './routes/admin-user-routes.js';
import { nativeCallbackRoutes } from './routes/native-callback-routes.js';
import { notifyRoutes } from './routes/notify-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { posRoutes } from './routes/pos-routes.js';
import { productQrRoutes } from './routes/product-qr-routes.js';
import { refundRoutes } from './routes/refund-routes.js';
import { wechatAuthRoutes } from './routes/wechat-auth-routes.js';
import { addSecurityHeaders } from './security-headers.js';
import type { ServiceMetrics } from './service-metrics.js';
import { WechatSessions } from './wechat-sessions.js';

export interface HttpApp {
  app: FastifyInstance;
  /** Open SSE streams; the composition root ends them on shutdown. */
  streams: OrderEventStreams;
}

/**
 * The Fastify app: every route, the OpenAPI docs, one error mapper. Builds nothing of the
 * application itself — it is handed the operations (use cases) and the event bus.
 */
export async function buildHttpApp(options: HttpAppOptions & { metrics: ServiceMetrics }): Promise<HttpApp> {
  const app = Fastify({
    logger: options.logger || options.logStream ? redactingLoggerOptions(options.logStream) : false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    // Only idle connections are closed with the server; requests in flight are given their grace
    // period by closeGracefully (graceful-close.ts).
    forceCloseConnections: 'idle',
    schemaErrorFormatter: fieldErrorFormatter,
    // Errors Fastify meets before any route (a path that is no valid URL) get the one error format.
    frameworkErrors: errorHandler,
    clientErrorHandler: clientErrorAnswer,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // No coercion, unknown fields refused (a client sending `amount` learns at once that the price
  // comes from the product), one parse rule for query and path integers.
  app.setValidatorCompiler(strictValidatorCompiler());
  app.setErrorHandler(errorHandler);
  addSecurityHeaders(app, { wechatAppUrl: options.demo?.wechatAppUrl, publicUrl: options.publicUrl });
  recordRoutes(app);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'NOT_FOUND', message: `no route for ${request.method} ${request.url}` }),
  );

  await app.register(swagger, {
    openapi: {
      info: openApiInfo(SERVICE_VERSION, DOMAIN_STATUS),
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          adminSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'wxpay_admin',
            description:
              '`POST /api/admin/session` 设置；修改数据须带 `X-CSRF-Token` / set by `POST /api/admin/session`; changes need `X-CSRF-Token`',
          },
        },
      },
    },
    transformObject: (generated) =>
      'openapiObject' in generated
        ? documentOperations(generated.openapiObject, DOMAIN_STATUS)
        : generated.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const streams = new OrderEventStreams(options.events);
  const { payments, metrics } = options;
  metrics.openStreams = () => streams.openCount;
  const sessions = options.platform ? new WechatSessions(options.platform) : undefined;
  const limits = options.limits ?? resolveAbuseLimits();
  const limiter = (limit: 'orders' | 'authFailures' | 'notifyFailures') =>
    new ClientRateLimiter(limits[limit], { maxClients: limits.maxClients });
  // One failure count per client for every token-protected route and the sign-in, so guesses add
  // up wherever sent.
  const authFailures = limiter('authFailures');
  const secureCookie = options.secureCookies ?? options.publicUrl?.startsWith('https:') ?? false;
  const merchantKeys = new MerchantApiKeys(options.merchantApiKeys);
  installAdminGuard(app, {
    adminToken: options.adminToken,
    sessions: options.access?.adminSessions,
    failures: authFailures,
    secureCookie,
    merchantKeys,
  });
  await app.register(orderRoutes, {
    payments,
    streams,
    sessions,
    orderLimiter: limiter('orders'),
    onLimited: () => metrics.rateLimited.inc({ limit: 'orders' }),
    merchantKeys,
    authFailures,
  });
  await app.register(posRoutes, { payments });
  await app.register(wechatAuthRoutes, { platform: options.platform, sessions });
  await app.register(notifyRoutes, {
    payments,
    metrics,
    replies: options.replies,
    refunds: options.refunds,
    failures: limiter('notifyFailures'),
    unverifiedStored: new ClientRateLimiter(limits.unverifiedStored),
  });
  await app.register(adminRoutes, {
    payments,
    admin: options.admin,
    refunds: options.refunds,
    webhooks: options.webhooks,
    reconciliation: options.reconciliation,
    streams,
  });
  if (options.access) {
    const { access } = options;
    await app.register(adminSessionRoutes, { access, authFailures, secureCookie });
    await app.register(adminUserRoutes, { access });
    await app.register(adminAuditRoutes, { access });
  }
  if (options.refunds) {
    const { refunds } = options;
    await app.register(refundRoutes, { refunds });
  }
  await app.register(opsRoutes, { payments, metrics, metricsToken: options.metricsToken, authFailures });
  if (options.nativeMode1) {
    const { useCases, replies } = options.nativeMode1;
    await app.register(productQrRoutes, { nativeMode1: useCases });
    await app.register(nativeCallbackRoutes, { nativeMode1: useCases, replies });
  }
  await app.register(pageRoutes, { wechatAppUrl: options.demo?.wechatAppUrl });
  return { app, streams };
}
