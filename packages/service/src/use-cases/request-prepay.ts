import { DomainError, type Order } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

/** The error stored on an order whose prepay did not come back before the buyer's deadline. */
export const PREPAY_TIMEOUT = 'PREPAY_TIMEOUT';

/**
 * Asks WeChat for the prepay of an order already stored, and stores what came back — the prepay, or
 * WeChat's error so the buyer and the admin see it. Safe to repeat: the request is rebuilt from the
 * stored order, and WeChat answers the same `out_trade_no` with the same parameters with the same prepay.
 *
 * With `deadlineMs`, the buyer waits no longer than that in all, the SDK's retries included: past it
 * the order keeps `PREPAY_TIMEOUT` as its error and this throws `WECHAT_TIMEOUT` (retryable) at once.
 * The call to WeChat is not abandoned: a prepay that arrives late is still stored, so it is never
 * lost, and a retry uses the same `out_trade_no`, which WeChat answers with that same prepay — no
 * second order at WeChat, so no second charge.
 */
export async function requestPrepay(
  deps: Pick<PaymentDeps, 'orders' | 'gateway' | 'logger'>,
  order: Order,
  deadlineMs?: number,
): Promise<Order> {
  const call = deps.gateway.createPrepay(order);
  const answer = await withinDeadline(call, deadlineMs);
  if (answer === 'late') return timedOut(deps, order, call, deadlineMs!);
  const stored =
    'prepay' in answer
      ? await deps.orders.recordPrepay(order.orderNo, answer.prepay)
      : await recordFailure(deps, order, answer.error);
  if (!stored)
    throw new DomainError('ORDER_NOT_FOUND', `order ${order.orderNo} vanished while creating its prepay`);
  return stored;
}

type Prepay = Awaited<ReturnType<PaymentDeps['gateway']['createPrepay']>>;
type Answer = { prepay: Prepay } | { error: unknown };

function withinDeadline(call: Promise<Prepay>, deadlineMs: number | undefined): Promise<Answer | 'late'> {
  const answer = call.then(
    (prepay): Answer => ({ prepay }),
    (error: unknown): Answer => ({ error }),
  );
  if (deadlineMs === undefined) return answer;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

async function timedOut(
  deps: Pick<PaymentDeps, 'orders' | 'logger'>,
  order: Order,
  call: Promise<Prepay>,
  deadlineMs: number,
): Promise<never> {
  const seconds = `${deadlineMs / 1000} s`;
  deps.logger?.warn(
    { orderNo: order.orderNo, deadlineMs },
    'WeChat prepay too slow; the buyer is told to retry',
  );
  const recorded = deps.orders.recordPrepay(order.orderNo, {
    errorCode: PREPAY_TIMEOUT,
    errorMessage: `WeChat Pay did not answer within ${seconds}`,
  });
  // Stored after the timeout, so the late prepay is what the order ends with; a late failure adds nothing.
  void call
    .then(
      async (prepay) => {
        await recorded.catch(() => undefined);
        await deps.orders.recordPrepay(order.orderNo, prepay);
      },
      () => undefined,
    )
    .catch((error: unknown) =>
      deps.logger?.error({ orderNo: order.orderNo, err: String(error) }, 'could not store a late prepay'),
    );
  await recorded;
  throw new DomainError(
    'WECHAT_TIMEOUT',
    `WeChat Pay did not answer within ${seconds}; retry with POST /api/orders/${order.orderNo}/prepay`,
    { orderNo: order.orderNo, retryable: true },
  );
}

async function recordFailure(
  deps: Pick<PaymentDeps, 'orders' | 'logger'>,
  order: Order,
  error: unknown,
): Promise<Order | undefined> {
  const errorCode = errorCodeOf(error);
  const errorMessage = error instanceof Error ? error.message : 'unexpected failure';
  deps.logger?.warn(
    { orderNo: order.orderNo, errorCode },
    'WeChat prepay failed; the order stays open for a retry',
  );
  return deps.orders.recordPrepay(order.orderNo, { errorCode, errorMessage });
}

function errorCodeOf(error: unknown): string {
  if (error instanceof DomainError) {
    const code = error.details.wechatCode;
    return typeof code === 'string' ? code : error.code;
  }
  return 'UNEXPECTED_ERROR';
}
