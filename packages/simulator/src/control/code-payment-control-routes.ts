import type { FastifyInstance } from 'fastify';
import { PASSWORD_FREE_LIMIT_FEN } from '../engine/code-payment-engine.js';
import type { SimContext } from '../sim-context.js';
import { notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { formatFen, type OrderViewDeps, orderView } from './order-view.js';

const USER_ID = /^[A-Za-z0-9_-]{1,32}$/;
const ACTIONS = ['pay', 'cancel', 'wrong'] as const;

/** What the payment-code controls use: the engines and what an order's view reads. */
export type CodePaymentControlDeps = OrderViewDeps & Pick<SimContext, 'codePayments' | 'trades'>;

/**
 * The customer's side of a payment code (付款码): the password sheet the phone shows while the
 * merchant's call waits in `USERPAYING`, and the user's password-free limit. The code itself is
 * issued by `POST /_sim/users/:user/payment-code`.
 */
export function codePaymentControlRoutes(app: FastifyInstance, ctx: CodePaymentControlDeps): void {
  const userOf = (id: string) => {
    const user = USER_ID.test(id) ? ctx.users.get(id) : undefined;
    if (!user) throw notFound(`simulated user ${id}`);
    return user;
  };

  /** What the phone's password sheet shows: the merchant's orders waiting for this user's PIN. */
  app.get<{ Params: { user: string } }>('/users/:user/password-requests', async (request) => {
    const user = userOf(request.params.user);
    return ctx.codePayments.awaitingPassword(user.id).map((trade) => ({
      outTradeNo: trade.outTradeNo,
      mchid: trade.mchid,
      merchantName: ctx.merchants.get(trade.mchid)?.name ?? trade.mchid,
      description: trade.description,
      amount: trade.totalFen,
      amountText: formatFen(trade.totalFen),
      createdAt: new Date(trade.createdAt).toISOString(),
      deadline: new Date(trade.expiresAt).toISOString(),
      wrongPasswords: trade.wrongPasswords ?? 0,
    }));
  });

  /** `{action: "pay" | "cancel" | "wrong"}`: the PIN typed, the sheet closed, or a PIN mistyped. */
  app.post<{ Params: { ref: string } }>('/orders/:ref/password', async (request) => {
    const { ref } = request.params;
    const input = ControlInput.body(request);
    const action = input.choice('action', ACTIONS) ?? 'pay';
    const mchid = ControlInput.query(request).string('mchid');
    const trade = mchid ? ctx.trades.find(mchid, { outTradeNo: ref }) : ctx.trades.lookup(ref);
    if (!trade) throw notFound(`order ${ref}`);
    return orderView(ctx, ctx.codePayments.answerPassword(trade, action));
  });

  /** `{passwordFreeFen?, balanceFen?}`: `passwordFreeFen: 0` makes every payment code ask for the PIN. */
  app.patch<{ Params: { user: string } }>('/users/:user', async (request) => {
    const user = userOf(request.params.user);
    const input = ControlInput.body(request);
    const passwordFreeFen = input.integer('passwordFreeFen', { min: 0, max: 100_000_000 });
    const balance = input.has('balanceFen')
      ? { balanceFen: input.integer('balanceFen', { min: 0 }) ?? null }
      : {};
    const updated = ctx.users.update(user.id, {
      ...(passwordFreeFen === undefined ? {} : { passwordFreeFen }),
      ...balance,
    });
    return { ...updated, passwordFreeFen: updated.passwordFreeFen ?? PASSWORD_FREE_LIMIT_FEN };
  });
}
