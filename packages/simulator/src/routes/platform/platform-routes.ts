import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import { platformControlRoutes } from './platform-control-routes.js';
import { PlatformCredentialStore } from './platform-credential-store.js';
import { platformOAuthRoutes } from './platform-oauth-routes.js';
import { PlatformQuotaMeter } from './platform-quota-meter.js';
import { PlatformReplies } from './platform-replies.js';
import { platformSnsRoutes } from './platform-sns-routes.js';
import { PlatformTokenIssuer } from './platform-token-issuer.js';
import { platformTokenRoutes } from './platform-token-routes.js';

/** What the platform routes use together. */
export type PlatformRoutesDeps = Pick<SimContext, 'clock' | 'faults' | 'merchants' | 'store' | 'users'>;

/**
 * The WeChat platform as merchants' servers and users' browsers meet it: `api.weixin.qq.com`
 * (`/cgi-bin/…` app tokens and tickets, `/sns/…` user login), `open.weixin.qq.com`
 * (`/connect/oauth2/authorize`), and `/_sim/platform/…` for what the WeChat app itself would do.
 * Tokens, tickets, codes and quota counts live in the simulator's state and read its clock.
 */
export function platformRoutes(app: FastifyInstance, ctx: PlatformRoutesDeps): void {
  const store = new PlatformCredentialStore(ctx.store, ctx.clock);
  const meter = new PlatformQuotaMeter(ctx.store, ctx.clock);
  const issuer = new PlatformTokenIssuer(ctx, store, meter);
  const replies = new PlatformReplies(app, ctx);
  platformTokenRoutes(app, { replies, issuer, meter });
  platformSnsRoutes(app, ctx, { replies, store, issuer, meter });
  platformOAuthRoutes(app, ctx, { replies, store });
  platformControlRoutes(app, ctx, { store, issuer, meter });
}
