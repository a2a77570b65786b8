import type { FastifyInstance } from 'fastify';
import { h5CashierPageHtml } from '../../control/pages/h5-cashier-page-html.js';
import { PAGE_SECURITY_HEADERS } from '../../control/phone-page-routes.js';
import { H5CashierGate, H5CashierRefusal } from '../../engine/h5-cashier-gate.js';
import type { SimContext } from '../../sim-context.js';
import { CHECKMWEB_PATH } from './checkmweb-url.js';

type CashierQuery = { Querystring: Record<string, string | string[] | undefined> };

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/** The cashier's checks read the trade, its merchant's H5 domains and the clock. */
export type H5CashierDeps = Pick<SimContext, 'clock' | 'merchants' | 'trades'>;

/**
 * `GET /cgi-bin/mmpayweb-bin/checkmweb?prepay_id=…&package=…[&redirect_url=…]` — the H5 cashier a
 * mobile browser is sent to with an MWEB `mweb_url` / v3 `h5_url`. WeChat's checks come first
 * ({@link H5CashierGate}); a refusal is a 403 page in WeChat's words, with the reason beneath.
 */
export function h5CashierRoutes(app: FastifyInstance, ctx: H5CashierDeps): void {
  const gate = new H5CashierGate(ctx);
  app.get<CashierQuery>(CHECKMWEB_PATH, async (request, reply) => {
    const query = request.query;
    const html = (status: number, page: Parameters<typeof h5CashierPageHtml>[0]) =>
      reply
        .code(status)
        .headers(PAGE_SECURITY_HEADERS)
        .type('text/html; charset=utf-8')
        .send(h5CashierPageHtml(page));
    try {
      const { trade, merchant, redirectUrl } = gate.admit({
        prepayId: single(query.prepay_id),
        package: single(query.package),
        redirectUrl: single(query.redirect_url),
        referer: request.headers.referer,
        userAgent: request.headers['user-agent'],
        clientIp: request.ip,
      });
      return html(200, {
        kind: 'sheet',
        prepayId: trade.prepayId,
        merchantName: merchant.name,
        description: trade.description,
        amountFen: trade.totalFen,
        redirectUrl,
      });
    } catch (error) {
      if (!(error instanceof H5CashierRefusal)) throw error;
      reply.header('x-sim-hint', encodeURIComponent(error.hint));
      return html(403, { kind: 'refused', code: error.code, message: error.message, hint: error.hint });
    }
  });
}
