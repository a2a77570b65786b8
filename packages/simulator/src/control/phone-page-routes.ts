import type { FastifyInstance, FastifyReply } from 'fastify';
import { COMMON_SCRIPT } from './pages/common-script.js';
import { CONSOLE_PAGE_HTML } from './pages/console-page-html.js';
import { CONSOLE_PAGE_SCRIPT } from './pages/console-page-script.js';
import { H5_CASHIER_SCRIPT } from './pages/h5-cashier-script.js';
import { PAGE_STYLE } from './pages/page-style.js';
import { PHONE_PAGE_HTML } from './pages/phone-page-html.js';
import { PHONE_PAGE_SCRIPT } from './pages/phone-page-script.js';

const ASSETS: Record<string, { type: string; body: string }> = {
  'sim.css': { type: 'text/css; charset=utf-8', body: PAGE_STYLE },
  'common.js': { type: 'text/javascript; charset=utf-8', body: COMMON_SCRIPT },
  'phone.js': { type: 'text/javascript; charset=utf-8', body: PHONE_PAGE_SCRIPT },
  'console.js': { type: 'text/javascript; charset=utf-8', body: CONSOLE_PAGE_SCRIPT },
  'h5-cashier.js': { type: 'text/javascript; charset=utf-8', body: H5_CASHIER_SCRIPT },
};

/**
 * The pages pay and inspect from a browser — everything served from the simulator itself (no
 * CDN: it works offline), same-origin only by Content-Security-Policy.
 */
export const PAGE_SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/**
 * `/_sim/phone` — the simulated WeChat app: open it with `?code_url=…` (the checkout page links
 * here), `?prepay_id=…` (v2 MWEB / v3 H5 `h5_url`, and JSAPI / mini-program orders, whose pay
 * sheet it stands in for) or `?ref=…` (any order reference) — and `/_sim/console`, the merchant
 * console. Both drive the control API only.
 */
export function phonePageRoutes(app: FastifyInstance): void {
  const page = (reply: FastifyReply, html: string) =>
    reply.headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(html);

  app.get('/_sim/phone', async (_request, reply) => page(reply, PHONE_PAGE_HTML));
  app.get('/_sim/console', async (_request, reply) => page(reply, CONSOLE_PAGE_HTML));
  app.get('/_sim', async (_request, reply) => reply.redirect('/_sim/console'));

  app.get<{ Params: { name: string } }>('/_sim/assets/:name', async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (!asset)
      return reply.code(404).send({ error: 'NOT_FOUND', message: `no asset ${request.params.name}` });
    return reply.headers(PAGE_SECURITY_HEADERS).type(asset.type).send(asset.body);
  });
}
