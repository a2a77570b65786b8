import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { controlRoutes } from './control/control-routes.js';
import { phonePageRoutes } from './control/phone-page-routes.js';
import type { RequestOriginGuard } from './request-origin-guard.js';
import { recordApiCalls } from './routes/api-call-recorder.js';
import { h5CashierRoutes } from './routes/h5/h5-cashier-routes.js';
import { platformRoutes } from './routes/platform/platform-routes.js';
import { v2Routes } from './routes/v2/v2-routes.js';
import { v3Routes } from './routes/v3/v3-routes.js';
import type { SimContext } from './sim-context.js';

/** The real APIs accept bodies of a few KiB; anything near this is an attack or a bug. */
const BODY_LIMIT = 1024 * 1024;

/**
 * The simulator's HTTP surface: the same paths as `api.mch.weixin.qq.com` (v2 XML, v3 JSON),
 * `api.weixin.qq.com` / `open.weixin.qq.com` (platform), and `/_sim/…` (control API and pages).
 * Bodies reach the routes as raw bytes: signatures are checked over exactly what was sent. The
 * `guard` (always there when started by `startSimulator`) refuses foreign hosts and origins.
 */
export function buildSimApp(
  ctx: SimContext,
  options: FastifyServerOptions = {},
  guard?: RequestOriginGuard,
): FastifyInstance {
  const app = Fastify({ bodyLimit: BODY_LIMIT, forceCloseConnections: true, ...options });
  guard?.install(app);
  recordApiCalls(app, ctx);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  v2Routes(app, ctx);
  v3Routes(app, ctx);
  platformRoutes(app, ctx);
  controlRoutes(app, ctx);
  phonePageRoutes(app);
  h5CashierRoutes(app, ctx);
  return app;
}
