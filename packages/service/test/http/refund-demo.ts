import { json, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';

/** An order as the refund suites read it from `GET /api/orders/:orderNo`. */
export type OrderBody = {
  orderNo: string;
  state: string;
  amount: number;
  refundedAmount: number;
  codeUrl?: string;
};

/** A refund as `POST/GET /api/orders/:orderNo/refunds` answers it. */
export type RefundBody = {
  refundNo: string;
  orderNo: string;
  amount: number;
  state: string;
  apiVersion: string;
  wechatRefundId?: string;
  errorCode?: string;
  errorMessage?: string;
};

/**
 * The demo for the refund suites, with the admin's `Authorization` header. The simulator keeps
 * refunds PROCESSING until a test settles them, so each test decides when and how a refund ends.
 */
export async function startRefundDemo(
  engine: TestEngine,
): Promise<{ demo: TestDemo; admin: Record<string, string> }> {
  const demo = await startTestDemo(engine);
  await json(`${demo.simulator.url}/_sim/refunds/behaviour`, {
    method: 'PUT',
    body: JSON.stringify({ settleDelayMs: 24 * 3600_000, nextOutcome: 'SUCCESS' }),
  });
  return { demo, admin: { Authorization: `Bearer ${demo.adminToken}` } };
}
