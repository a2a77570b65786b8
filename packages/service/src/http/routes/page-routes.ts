import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { OrderNoParamsSchema } from '../api-schemas.js';

export interface PageRoutesOptions {
  /** Demo mode: the simulator's base URL, handed to the checkout page for its phone-page link. */
  wechatAppUrl?: string;
}

/** `web/` sits two levels above both `src/http/routes` and `dist/http/routes`. */
const WEB_DIR = new URL('../../../web/', import.meta.url);

const ASSETS: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'i18n.js': 'text/javascript; charset=utf-8',
  'messages.js': 'text/javascript; charset=utf-8',
  'messages-shop.js': 'text/javascript; charset=utf-8',
  'messages-admin.js': 'text/javascript; charset=utf-8',
  'checkout.js': 'text/javascript; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'order-watch.js': 'text/javascript; charset=utf-8',
  'jsapi.js': 'text/javascript; charset=utf-8',
  'h5.js': 'text/javascript; charset=utf-8',
  'h5-order.js': 'text/javascript; charset=utf-8',
  'shop-page.js': 'text/javascript; charset=utf-8',
  'admin-format.js': 'text/javascript; charset=utf-8',
  'admin-dom.js': 'text/javascript; charset=utf-8',
  'admin-lists.js': 'text/javascript; charset=utf-8',
  'admin-webhooks.js': 'text/javascript; charset=utf-8',
  'admin-webhook-endpoints.js': 'text/javascript; charset=utf-8',
  'admin-reconciliation.js': 'text/javascript; charset=utf-8',
  'admin-live.js': 'text/javascript; charset=utf-8',
  'admin-products.js': 'text/javascript; charset=utf-8',
  'admin-users.js': 'text/javascript; charset=utf-8',
  'admin-audit.js': 'text/javascript; charset=utf-8',
  'my-orders.js': 'text/javascript; charset=utf-8',
  'admin-detail.js': 'text/javascript; charset=utf-8',
  'admin-dashboard.js': 'text/javascript; charset=utf-8',
  'pos.css': 'text/css; charset=utf-8',
  'pos.js': 'text/javascript; charset=utf-8',
  'pos-camera.js': 'text/javascript; charset=utf-8',
  'pos-code-check.js': 'text/javascript; charset=utf-8',
  'pos-recent.js': 'text/javascript; charset=utf-8',
  'pos-session.js': 'text/javascript; charset=utf-8',
  'pos-status.js': 'text/javascript; charset=utf-8',
  'messages-pos.js': 'text/javascript; charset=utf-8',
};

/**
 * Chart.js's self-contained browser build, from node_modules. The package exports no path to it, so
 * it is found next to the entry point `require` resolves (`dist/chart.cjs`).
 */
function chartJsFile(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.min.js');
}

/**
 * The checkout, JSAPI, H5, till and admin pages: static files read once at start, plain HTML/CSS/JS with no build
 * step and nothing from a CDN, so they work right after `npm install && npm start`.
 */
export const pageRoutes: FastifyPluginAsync<PageRoutesOptions> = async (app, { wechatAppUrl }) => {
  const read = (name: string) => readFileSync(new URL(name, WEB_DIR), 'utf8');
  const checkout = read('checkout.html').replaceAll('{{SIMULATOR_URL}}', escapeAttribute(wechatAppUrl ?? ''));
  const jsapi = read('jsapi.html').replaceAll('{{SIMULATOR_URL}}', escapeAttribute(wechatAppUrl ?? ''));
  const h5 = read('h5.html');
  const h5Order = read('h5-order.html');
  const myOrders = read('my-orders.html');
  const pos = read('pos.html');
  // Demo mode shows "request resend": only the simulator can be asked to send a notification again.
  const admin = read('admin.html').replaceAll('{{DEMO}}', wechatAppUrl ? 'true' : 'false');
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, read(name)]));
  // The source map comment would make browsers ask for a file that is not served.
  const chartJs = readFileSync(chartJsFile(), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');

  const html = { schema: { hide: true } };
  app.get('/', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(checkout));
  app.get('/jsapi', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(jsapi));
  app.get('/h5', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(h5));
  // Where WeChat's H5 cashier sends the browser back (`redirect_url`); the page asks the API.
  app.get(
    '/h5/orders/:orderNo',
    { schema: { hide: true, params: OrderNoParamsSchema } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(h5Order),
  );
  // The shopper's orders from this browser, and one order's receipt (the H5 return page serves both).
  app.get('/orders', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(myOrders));
  app.get(
    '/orders/:orderNo',
    { schema: { hide: true, params: OrderNoParamsSchema } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(h5Order),
  );
  // The till: a cashier scans the customer's payment code (付款码); signs in as a back-office user.
  app.get('/pos', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(pos));
  app.get('/admin', html, async (_request, reply) => reply.type('text/html; charset=utf-8').send(admin));
  app.get('/assets/vendor/chart.umd.js', html, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .send(chartJs),
  );
  for (const [name, body] of assets) {
    app.get(`/assets/${name}`, html, async (_request, reply) =>
      reply.type(ASSETS[name]!).header('Cache-Control', 'no-cache').send(body),
    );
  }
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
