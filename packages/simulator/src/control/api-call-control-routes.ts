import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../sim-context.js';
import { ControlInput } from './control-input.js';

/**
 * `/_sim/api-calls`: the API calls of this run, oldest first — what was called, for which
 * merchant and order, WeChat's answer and any injected fault — for `wxpay sim logs`. `after`
 * (a `seq`) lets a follower fetch only what is new.
 */
export function apiCallControlRoutes(app: FastifyInstance, ctx: Pick<SimContext, 'apiCalls'>): void {
  app.get('/api-calls', async (request) => {
    const query = ControlInput.query(request);
    return ctx.apiCalls.list({
      after: query.integer('after', { min: 0 }),
      mchid: query.string('mchid'),
      limit: query.integer('limit', { min: 1, max: 1000 }) ?? 200,
    });
  });
}
