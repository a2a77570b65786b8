import type { FastifyRequest } from 'fastify';
import type { TradeRecord } from '../../engine/sim-records.js';

/** Where WeChat's H5 cashier lives (`https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?…`). */
export const CHECKMWEB_PATH = '/cgi-bin/mmpayweb-bin/checkmweb';

/**
 * The origin the client reached the simulator by (`Host` and scheme), so a URL handed back to it —
 * and on to a shopper's browser — points where the client itself called, not at the listen address.
 * Falls back to the configured base URL when the request names no host.
 */
export function callerOrigin(request: FastifyRequest, fallback: string): string {
  const host = request.headers.host;
  return host ? `${request.protocol}://${host}` : fallback;
}

/**
 * An MWEB order's `h5_url` / `mweb_url`, shaped as WeChat's: the cashier path with `prepay_id` and
 * the numeric `package`. The merchant appends `&redirect_url=<urlencoded>` itself.
 */
export function checkmwebUrl(origin: string, trade: TradeRecord): string | undefined {
  if (trade.tradeType !== 'MWEB' || !trade.h5Package) return undefined;
  return `${origin}${CHECKMWEB_PATH}?prepay_id=${trade.prepayId}&package=${trade.h5Package}`;
}
