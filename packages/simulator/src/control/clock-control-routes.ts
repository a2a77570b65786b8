import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../sim-context.js';
import { badRequest } from './control-error.js';
import { ControlInput } from './control-input.js';

const UNIT_MS = { ms: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];
/** A year is more than any lifetime or retry schedule in WeChat Pay; more is surely a typo. */
const MAX_ADVANCE_MS = 366 * UNIT_MS.days;

/**
 * `/_sim/clock`: the simulated time every WeChat-visible lifetime runs on. Advancing it fires what
 * falls due in between — notification retries, refunds settling — so a test sees a day of WeChat's
 * retry schedule, or an order expiring after two hours, without waiting.
 */
export function clockControlRoutes(app: FastifyInstance, ctx: Pick<SimContext, 'clock'>): void {
  const clock = () => {
    const now = ctx.clock.now();
    return { now, iso: new Date(now).toISOString(), offsetMs: ctx.clock.offsetMs };
  };

  app.get('/clock', async () => clock());

  app.post('/clock/advance', async (request) => {
    const input = ControlInput.body(request);
    const given = UNITS.filter((unit) => input.has(unit));
    if (given.length !== 1) {
      throw badRequest(`give exactly one of ${UNITS.join(', ')} (for example {"minutes": 5})`);
    }
    const unit = given[0]!;
    const amount = input.number(unit, { min: 0 })!;
    const ms = Math.round(amount * UNIT_MS[unit]);
    if (ms > MAX_ADVANCE_MS) throw badRequest(`cannot advance more than 366 days at once`);
    ctx.clock.advance(ms);
    return clock();
  });
}
