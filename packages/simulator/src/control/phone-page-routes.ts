import type { FastifyInstance, FastifyReply } from 'fastify';
import { type WebFile, webFile } from './web-files.js';

/** What `/_sim/assets/:name` serves, each a file of `web/` by that name. */
const ASSET_NAMES = [
  'sim.css',
  'i18n.js',
  'messages.js',
  'common.js',
  'phone.js',
  'console.js',
  'h5-cashier.js',
  'pay-code-view.js',
  'code128-encoder.js',
  'qr-encoder.js',
];

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
  const assets = new Map(ASSET_NAMES.map((name) => [name, webFile(name)]));
  const phonePage = webFile('phone.html');
  const consolePage = webFile('console.html');
  const page = (reply: FastifyReply, file: WebFile) =>
    reply.headers(PAGE_SECURITY_HEADERS).type(file.type).send(file.body);

  app.get('/_sim/phone', async (_request, reply) => page(reply, phonePage));
  app.get('/_sim/console', async (_request, reply) => page(reply, consolePage));
  app.get('/_sim', async (_request, reply) => reply.redirect('/_sim/console'));

  app.get<{ Params: { name: string } }>('/_sim/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset)
      return reply.code(404).send({ error: 'NOT_FOUND', message: `no asset ${request.params.name}` });
    return reply.headers(PAGE_SECURITY_HEADERS).type(asset.type).send(asset.body);
  });
}
