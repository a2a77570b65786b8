import type { FastifyInstance } from 'fastify';
import type { SimUser } from '../engine/sim-records.js';
import type { SimContext } from '../sim-context.js';
import { ControlError, notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { formatFen } from './order-view.js';

export interface UserView extends SimUser {
  /** `不限` or `¥1.00`. */
  balanceText: string;
  /** The user's openid in the app asked about (`?appid=`). */
  openid?: string;
}

const USER_ID = { pattern: /^[A-Za-z0-9_-]{1,32}$/, hint: '1–32 letters, digits, "_" or "-"' };

/**
 * `/_sim/users`: the simulated WeChat users who scan and pay. With `?appid=` each comes with their
 * openid in that app, which is how a test (or `wxpay sim pay --openid`) maps an openid to a user.
 */
export function userControlRoutes(
  app: FastifyInstance,
  ctx: Pick<SimContext, 'merchants' | 'users' | 'paymentCodes'>,
): void {
  app.get('/users', async (request) => {
    const appid = ControlInput.query(request).string('appid');
    if (appid && !ctx.merchants.byAppid(appid)) throw notFound(`app ${appid}`);
    return ctx.users.list().map((user) => view(user, appid && ctx.users.openid(user.id, appid)));
  });

  app.post('/users', async (request, reply) => {
    const input = ControlInput.body(request);
    const id = input.requiredString('id', USER_ID);
    if (ctx.users.get(id)) throw new ControlError(409, 'USER_EXISTS', `user ${id} already exists`);
    const balanceFen = input.integer('balanceFen', { min: 0 }) ?? null;
    const passwordFreeFen = input.integer('passwordFreeFen', { min: 0, max: 100_000_000 });
    const user = ctx.users.add({
      id,
      nickname: input.string('nickname') ?? id,
      balanceFen,
      ...(passwordFreeFen === undefined ? {} : { passwordFreeFen }),
    });
    return reply.code(201).send(view(user, undefined));
  });

  /** A fresh payment code of the user, as their phone shows it: for a cashier's scanner, or a test. */
  app.post<{ Params: { user: string } }>('/users/:user/payment-code', async (request, reply) => {
    const { user } = request.params;
    if (!USER_ID.pattern.test(user) || !ctx.users.get(user)) throw notFound(`simulated user ${user}`);
    const { authCode, expiresAt } = ctx.paymentCodes.issue(user);
    return reply.code(201).send({ authCode, expiresAt: new Date(expiresAt).toISOString(), user });
  });
}

function view(user: SimUser, openid: string | undefined): UserView {
  return {
    ...user,
    balanceText: user.balanceFen === null ? '不限 unlimited' : formatFen(user.balanceFen),
    ...(openid ? { openid } : {}),
  };
}
