import { describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import { apiError } from './support/api-error.js';
import { useV3Suite } from './support/v3-suite.js';
import { NOTIFY_URL, nativeOrder, payAs, uniqueNo } from './support/v3-test-kit.js';

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 refunds (%s mode)', (mode) => {
  const suite = useV3Suite(mode);

  async function paidOrder(total = 1000): Promise<{ outTradeNo: string; transactionId: string }> {
    const order = nativeOrder(suite.sim, { amount: { total } });
    await suite.wxpay.transactions.native(order);
    const trade = payAs(suite.sim, order.out_trade_no);
    return { outTradeNo: order.out_trade_no, transactionId: trade.transactionId! };
  }

  it('refunds part of a paid order: PROCESSING, then SUCCESS once settled on the simulated clock', async () => {
    const { outTradeNo, transactionId } = await paidOrder();
    const outRefundNo = uniqueNo('R');
    const refund = await suite.wxpay.refunds.create({
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      reason: '商品已售完',
      notify_url: NOTIFY_URL,
      amount: { refund: 300, total: 1000 },
    });
    expect(refund).toMatchObject({
      out_refund_no: outRefundNo,
      out_trade_no: outTradeNo,
      transaction_id: transactionId,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      status: 'PROCESSING',
      amount: {
        total: 1000,
        refund: 300,
        payer_total: 1000,
        payer_refund: 300,
        settlement_refund: 300,
        settlement_total: 1000,
        discount_refund: 0,
        currency: 'CNY',
      },
    });
    expect(refund.refund_id).toMatch(/^50\d{27}$/);
    expect(refund.create_time).toMatch(/\+08:00$/);
    expect(refund).not.toHaveProperty('success_time');
    expect((await suite.wxpay.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('REFUND');

    suite.sim.ctx.clock.advance(suite.sim.ctx.refunds.settleDelayMs);
    const settled = await suite.wxpay.refunds.query(outRefundNo);
    expect(settled).toMatchObject({ refund_id: refund.refund_id, status: 'SUCCESS' });
    expect(settled.success_time).toMatch(/\+08:00$/);
  });

  it('returns the same refund for a retried out_refund_no, and refuses it with other parameters', async () => {
    const { transactionId } = await paidOrder();
    const params = {
      transaction_id: transactionId,
      out_refund_no: uniqueNo('R'),
      amount: { refund: 100, total: 1000 },
    };
    const first = await suite.wxpay.refunds.create(params);
    expect((await suite.wxpay.refunds.create(params)).refund_id).toBe(first.refund_id);
    const changed = await apiError(
      suite.wxpay.refunds.create({ ...params, amount: { refund: 200, total: 1000 } }),
    );
    expect(changed).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('refuses more than what is left (400 INVALID_REQUEST, not the balance code NOT_ENOUGH)', async () => {
    const { outTradeNo } = await paidOrder();
    const refund = (fen: number) =>
      suite.wxpay.refunds.create({
        out_trade_no: outTradeNo,
        out_refund_no: uniqueNo('R'),
        amount: { refund: fen, total: 1000 },
      });
    await refund(800);
    const over = await apiError(refund(201));
    expect(over).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      raw: { message: '申请退款金额超过订单可退金额' },
    });
    expect((over.detail as { issue: string }).issue).toContain('可退金额 200 分');
    await refund(200);
    const full = await apiError(refund(1));
    expect(full).toMatchObject({ status: 400, code: 'INVALID_REQUEST', raw: { message: '订单已全额退款' } });
  });

  it('refuses refunds of unpaid and unknown orders, and a wrong total', async () => {
    const open = nativeOrder(suite.sim);
    await suite.wxpay.transactions.native(open);
    const unpaid = await apiError(
      suite.wxpay.refunds.create({
        out_trade_no: open.out_trade_no,
        out_refund_no: uniqueNo('R'),
        amount: { refund: 1, total: 100 },
      }),
    );
    expect(unpaid).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });

    const unknown = await apiError(
      suite.wxpay.refunds.create({
        out_trade_no: uniqueNo('NOPE'),
        out_refund_no: uniqueNo('R'),
        amount: { refund: 1, total: 100 },
      }),
    );
    expect(unknown).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
    expect(unknown.message).toContain('订单不存在');

    const { outTradeNo } = await paidOrder(500);
    const wrongTotal = await apiError(
      suite.wxpay.refunds.create({
        out_trade_no: outTradeNo,
        out_refund_no: uniqueNo('R'),
        amount: { refund: 1, total: 600 },
      }),
    );
    expect(wrongTotal).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      raw: { message: '订单金额与原订单不一致' },
    });
  });

  it('answers 404 RESOURCE_NOT_EXISTS for an unknown out_refund_no', async () => {
    expect(await apiError(suite.wxpay.refunds.query(uniqueNo('R')))).toMatchObject({
      status: 404,
      code: 'RESOURCE_NOT_EXISTS',
    });
  });

  it('needs exactly one order reference and a currency', async () => {
    const both = await apiError(
      suite.wxpay.request('POST', '/v3/refund/domestic/refunds', {
        body: {
          out_trade_no: uniqueNo(),
          transaction_id: '4200',
          out_refund_no: uniqueNo('R'),
          amount: { refund: 1, total: 1, currency: 'CNY' },
        },
      }),
    );
    expect(both).toMatchObject({ status: 400, code: 'PARAM_ERROR', detail: { field: 'transaction_id' } });
    const noCurrency = await apiError(
      suite.wxpay.request('POST', '/v3/refund/domestic/refunds', {
        body: { out_trade_no: uniqueNo(), out_refund_no: uniqueNo('R'), amount: { refund: 1, total: 1 } },
      }),
    );
    expect(noCurrency).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'amount.currency' },
    });
  });
});
