import { buildV2PaymentNotification, buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiVersion, Order, WechatGateway } from '../../src/domain/index.js';
import { PaymentHarness, postgresReachable } from './support/payment-harness.js';

const pgUp = await postgresReachable();
const ENGINES = [
  { engine: 'sqlite' as const, skip: false },
  { engine: 'postgres' as const, skip: !pgUp },
];
const VERSIONS: ApiVersion[] = ['v2', 'v3'];
const MINUTE = 60_000;
let txSeq = 0;
/** A fresh WeChat-style transaction id (they are unique across the database). */
const txId = () => `42000000002026112${String(Date.now()).slice(-7)}${String(++txSeq).padStart(4, '0')}`;

for (const { engine, skip } of ENGINES) {
  describe.skipIf(skip)(`payment use cases on ${engine}`, () => {
    let h: PaymentHarness;
    const fulfilments = new Map<string, number>();
    /** Runs right after a gateway query returns, to land a payment between query and close. */
    let afterQuery: ((orderNo: string) => void) | undefined;

    beforeAll(async () => {
      h = await PaymentHarness.start({
        engine,
        fulfil: (order) => {
          fulfilments.set(order.orderNo, (fulfilments.get(order.orderNo) ?? 0) + 1);
        },
        wrapGateway: (g): WechatGateway => ({
          appid: g.appid,
          mchid: g.mchid,
          createPrepay: (order) => g.createPrepay(order),
          query: async (order) => {
            const status = await g.query(order);
            afterQuery?.(order.orderNo);
            return status;
          },
          close: (order) => g.close(order),
        }),
      });
    });
    afterAll(async () => h?.stop());
    afterEach(() => {
      afterQuery = undefined;
      h.serviceSkewMs = 0;
      h.sim.ctx.faults.setApiFaults([]);
      h.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
    });

    const stateAtWechat = (order: Order) => h.sim.ctx.trades.lookup(order.orderNo)?.state;

    for (const version of VERSIONS) {
      describe(`API ${version}`, () => {
        it('creates the order with its jobs, then the simulator notification makes it PAID once', async () => {
          const order = await h.nativeOrder(version, 2);
          expect(order.state).toBe('NOTPAY');
          expect(order.amountFen).toBe(1980);
          expect(order.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
          expect(order.orderNo).toMatch(/^\d{14}[0-9A-Za-z]{10}$/);
          expect(order.expiresAt.getTime() - order.createdAt.getTime()).toBe(15 * MINUTE);
          const jobs = await h.jobs(order.orderNo);
          expect(jobs.map((j) => j.type).sort()).toEqual(['close-expired', 'reconcile']);
          expect(jobs.find((j) => j.type === 'close-expired')!.runAt).toBe(order.expiresAt.getTime());
          const trade = h.sim.ctx.trades.lookup(order.codeUrl!)!;
          expect(trade.totalFen).toBe(1980);
          expect(Math.floor(trade.expiresAt / 1000)).toBe(Math.floor(order.expiresAt.getTime() / 1000));

          h.pay(order);
          await h.waitFor(async () => (await h.order(order.orderNo)).state === 'PAID', 'PAID');
          const paid = await h.order(order.orderNo);
          expect(paid.transactionId).toBe(h.sim.ctx.trades.lookup(order.orderNo)!.transactionId);
          expect(paid.paidAt).not.toBeNull();
          // A Native order is made for nobody; the notification says who paid.
          expect(order.payerOpenid).toBeNull();
          expect(paid.payerOpenid).toBe(h.sim.ctx.users.openid('alice', h.sim.merchant.appid));
          await h.waitFor(async () => (await h.order(order.orderNo)).fulfilledAt !== null, 'fulfilment');
          expect(fulfilments.get(order.orderNo)).toBe(1);
          expect(h.events.filter((e) => e.orderNo === order.orderNo).map((e) => e.state)).toEqual(['PAID']);
          const history = await h.deps.orders.history(order.orderNo);
          expect(history.map((e) => [e.fromState, e.toState, e.source])).toEqual([
            [null, 'NOTPAY', expect.any(String)],
            ['NOTPAY', 'PAID', `notify-${version}`],
          ]);
          // Under load the simulator may time out and resend; a resend must then be a duplicate.
          const log = await h.deps.notifications.forOrder(order.orderNo);
          const [first, ...resent] = log.map((n) => [n.verified, n.outcome]);
          expect(first).toEqual([true, 'applied']);
          for (const entry of resent) expect(entry).toEqual([true, 'duplicate']);
        });

        it('applies duplicate notifications (sequential and concurrent) once', async () => {
          const order = await h.nativeOrder(version);
          h.pay(order);
          await h.waitFor(
            () => h.deliveries.some((d) => d.result.orderNo === order.orderNo),
            'the notification',
          );
          const first = h.deliveries.find((d) => d.result.orderNo === order.orderNo)!;
          expect(first.result.outcome).toBe('applied');
          await first.result.fulfilment;

          const again = await h.handleNotification.execute({
            apiVersion: version,
            headers: first.headers,
            rawBody: first.body,
          });
          expect(again).toMatchObject({ ack: true, outcome: 'duplicate' });
          const burst = await Promise.all(
            Array.from({ length: 5 }, () =>
              h.handleNotification.execute({
                apiVersion: version,
                headers: first.headers,
                rawBody: first.body,
              }),
            ),
          );
          expect(burst.every((r) => r.ack && r.outcome === 'duplicate')).toBe(true);
          expect(fulfilments.get(order.orderNo)).toBe(1);
          expect(
            (await h.deps.orders.history(order.orderNo)).filter((e) => e.toState === 'PAID'),
          ).toHaveLength(1);
          expect(h.events.filter((e) => e.orderNo === order.orderNo)).toHaveLength(1);
        });

        it('a concurrent burst of the first notification still pays and fulfils once', async () => {
          h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
          const order = await h.nativeOrder(version);
          h.pay(order);
          const trade = h.sim.ctx.trades.lookup(order.orderNo)!;
          const notification = signedNotification(order, trade.transactionId!, order.amountFen);
          const results = await Promise.all(
            Array.from({ length: 6 }, () =>
              h.handleNotification.execute({ apiVersion: version, ...notification }),
            ),
          );
          expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
          expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(5);
          await Promise.all(results.map((r) => r.fulfilment));
          expect(fulfilments.get(order.orderNo)).toBe(1);
        });

        it('rejects a correctly signed notification with a tampered amount and changes nothing', async () => {
          const order = await h.nativeOrder(version);
          const tampered = signedNotification(order, txId(), order.amountFen - 1);
          const result = await h.handleNotification.execute({ apiVersion: version, ...tampered });
          expect(result).toMatchObject({ ack: false, outcome: 'rejected' });
          expect(result.message).toContain('amount');
          const after = await h.order(order.orderNo);
          expect(after.state).toBe('NOTPAY');
          expect(after.transactionId).toBeNull();
          const log = await h.deps.notifications.forOrder(order.orderNo);
          expect(log).toHaveLength(1);
          expect(log[0]).toMatchObject({ verified: true, kind: 'payment' });
          expect(log[0]!.outcome).toMatch(/^rejected: amount/);
          if (version === 'v3') {
            // Not a whole number of fen: refused the same way (and never bound into the UPDATE).
            const fractional = signedNotification(order, txId(), order.amountFen + 0.5);
            expect(await h.handleNotification.execute({ apiVersion: version, ...fractional })).toMatchObject({
              ack: false,
              outcome: 'rejected',
            });
            expect((await h.order(order.orderNo)).state).toBe('NOTPAY');
          }

          const genuine = signedNotification(order, txId(), order.amountFen);
          expect((await h.handleNotification.execute({ apiVersion: version, ...genuine })).outcome).toBe(
            'applied',
          );
        });

        it('rejects a notification with one byte changed, unverified, and logs it', async () => {
          const order = await h.nativeOrder(version);
          const genuine = signedNotification(order, txId(), order.amountFen);
          // A different last character, whatever the random order number ends with.
          const other = order.orderNo.endsWith('X') ? 'Y' : 'X';
          const altered = genuine.rawBody.replace(order.orderNo, `${order.orderNo.slice(0, -1)}${other}`);
          const changedByte =
            version === 'v2'
              ? altered
              : genuine.rawBody.replace('"summary":"支付成功"', '"summary":"支付成功 "');
          expect(changedByte).not.toBe(genuine.rawBody);
          const before = await countRejectedUnverified();
          const result = await h.handleNotification.execute({
            apiVersion: version,
            headers: genuine.headers,
            rawBody: changedByte,
          });
          expect(result).toMatchObject({ ack: false, outcome: 'rejected', orderNo: null });
          expect(result.message).not.toMatch(/expected|[0-9A-F]{32}/);
          expect((await h.order(order.orderNo)).state).toBe('NOTPAY');
          expect(await countRejectedUnverified()).toBe(before + 1);
        });

        it('timeout close: past expiry, unpaid → CLOSED here and at WeChat', async () => {
          const order = await h.nativeOrder(version);
          h.sim.ctx.clock.advance(15 * MINUTE + 1000);
          const result = await h.closeExpired.execute({ orderNo: order.orderNo });
          expect(result.outcome).toBe('CLOSED');
          expect((await h.order(order.orderNo)).state).toBe('CLOSED');
          expect((await h.order(order.orderNo)).closedAt).not.toBeNull();
          expect(stateAtWechat(order)).toBe('CLOSED');
          expect(h.events.filter((e) => e.orderNo === order.orderNo).map((e) => e.state)).toEqual(['CLOSED']);
          expect((await h.closeExpired.execute({ orderNo: order.orderNo })).outcome).toBe('SETTLED');
        });

        it('timeout close finds a payment whose notification was lost → PAID, never CLOSED', async () => {
          h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
          const order = await h.nativeOrder(version);
          h.pay(order);
          h.sim.ctx.clock.advance(15 * MINUTE + 1000);
          const result = await h.closeExpired.execute({ orderNo: order.orderNo });
          expect(result.outcome).toBe('PAID');
          await h.waitFor(async () => (await h.order(order.orderNo)).fulfilledAt !== null, 'fulfilment');
          const history = await h.deps.orders.history(order.orderNo);
          expect(history.at(-1)).toMatchObject({ toState: 'PAID', source: 'job:close-expired' });
          expect(stateAtWechat(order)).toBe('SUCCESS');
        });

        it('close racing a payment made between query and close → ALREADY_PAID → PAID', async () => {
          h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
          const order = await h.nativeOrder(version);
          // The service's clock says "expired" while WeChat still accepts the payment: the racy moment.
          h.serviceSkewMs = 15 * MINUTE + 1000;
          let paidInBetween = false;
          afterQuery = (orderNo) => {
            if (orderNo !== order.orderNo || paidInBetween) return;
            paidInBetween = true;
            h.pay(order);
          };
          const result = await h.closeExpired.execute({ orderNo: order.orderNo });
          expect(paidInBetween).toBe(true);
          expect(result.outcome).toBe('PAID');
          expect(stateAtWechat(order)).toBe('SUCCESS');
          const after = await h.order(order.orderNo);
          expect(after.state).toBe('PAID');
          expect(after.transactionId).toBe(h.sim.ctx.trades.lookup(order.orderNo)!.transactionId);
          // The late notification that follows is a harmless duplicate.
          const late = signedNotification(order, after.transactionId!, order.amountFen);
          expect((await h.handleNotification.execute({ apiVersion: version, ...late })).outcome).toBe(
            'duplicate',
          );
          expect((await h.deps.orders.history(order.orderNo)).some((e) => e.toState === 'CLOSED')).toBe(
            false,
          );
        });

        it('a notification arriving after the local close is an anomaly: ACKed, logged, order stays CLOSED', async () => {
          const order = await h.nativeOrder(version);
          h.sim.ctx.clock.advance(15 * MINUTE + 1000);
          expect((await h.closeExpired.execute({ orderNo: order.orderNo })).outcome).toBe('CLOSED');
          const impossible = signedNotification(order, txId(), order.amountFen);
          const result = await h.handleNotification.execute({ apiVersion: version, ...impossible });
          expect(result).toMatchObject({ ack: true, outcome: 'anomaly' });
          expect((await h.order(order.orderNo)).state).toBe('CLOSED');
          const log = await h.deps.notifications.forOrder(order.orderNo);
          expect(log.at(-1)!.outcome).toMatch(/^anomaly/);
        });

        it('reconcile recovers a lost notification; while unpaid it reschedules with backoff', async () => {
          h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
          const order = await h.nativeOrder(version);
          const before = h.deps.clock.now().getTime();
          const unpaid = await h.reconcile.execute({ orderNo: order.orderNo, attempt: 1 });
          const after = h.deps.clock.now().getTime();
          expect(unpaid.outcome).toBe('RESCHEDULED');
          const next = (await h.jobs(order.orderNo)).find(
            (j) => j.type === 'reconcile' && j.payload.attempt === 2,
          )!;
          expect(next.payload).toEqual({ orderNo: order.orderNo, attempt: 2 });
          expect(next.key).not.toBe(order.orderNo);
          expect(next.runAt).toBeGreaterThanOrEqual(before + 2 * MINUTE);
          expect(next.runAt).toBeLessThanOrEqual(after + 2 * MINUTE);

          h.pay(order);
          // As the job runner calls it: with the follow-up job's own key.
          const found = await h.reconcile.execute({ orderNo: next.key, attempt: 2 });
          expect(found.outcome).toBe('PAID');
          expect(found.order?.state).toBe('PAID');
          await h.waitFor(async () => (await h.order(order.orderNo)).fulfilledAt !== null, 'fulfilment');
          expect(fulfilments.get(order.orderNo)).toBe(1);
          expect((await h.deps.orders.history(order.orderNo)).at(-1)).toMatchObject({
            source: 'job:reconcile',
          });
          expect((await h.reconcile.execute({ orderNo: order.orderNo })).outcome).toBe('SETTLED');
        });

        it('a WeChat failure at creation leaves the order NOTPAY with the error; RetryPrepay then succeeds', async () => {
          const api = version === 'v2' ? 'v2.unifiedorder' : 'v3.transactions.native';
          h.sim.ctx.faults.setApiFaults([{ api, kind: version === 'v2' ? 'SYSTEMERROR' : 'HTTP_503' }]);
          const failed = await h.nativeOrder(version);
          expect(failed.state).toBe('NOTPAY');
          expect(failed.codeUrl).toBeNull();
          expect(failed.wechatErrorCode).toMatch(
            version === 'v2' ? /^SYSTEMERROR$/ : /503|SERVICE_UNAVAILABLE/,
          );
          expect(failed.wechatErrorMessage).toBeTruthy();
          expect((await h.jobs(failed.orderNo)).map((j) => j.type)).toContain('close-expired');

          h.sim.ctx.faults.setApiFaults([]);
          const retried = await h.retryPrepay.execute({ orderNo: failed.orderNo });
          expect(retried.codeUrl).toMatch(/^weixin:\/\//);
          expect(retried.state).toBe('NOTPAY');
          expect(retried.wechatErrorCode).toBeNull();
          expect((await h.retryPrepay.execute({ orderNo: failed.orderNo })).codeUrl).toBe(retried.codeUrl);
        });
      });
    }

    async function countRejectedUnverified(): Promise<number> {
      const rows = await h.database.db
        .selectFrom('notifications_received')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('verified', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(rows.n);
    }

    /** A notification exactly as WeChat would send it (real keys), for any transaction id and amount. */
    function signedNotification(order: Order, transactionId: string, totalFen: number) {
      const m = h.sim.merchant;
      if (order.apiVersion === 'v2') {
        const body = buildV2PaymentNotification(
          {
            appid: m.appid,
            mch_id: m.mchid,
            out_trade_no: order.orderNo,
            transaction_id: transactionId,
            total_fee: totalFen,
          },
          m.apiKey,
          'MD5',
          h.sim.ctx.clock.now(),
        );
        return { headers: { 'content-type': 'text/xml' }, rawBody: body };
      }
      const now = () => h.sim.ctx.clock.now();
      const built = buildV3Notification({
        event_type: 'TRANSACTION.SUCCESS',
        resource: {
          appid: m.appid,
          mchid: m.mchid,
          out_trade_no: order.orderNo,
          transaction_id: transactionId,
          trade_type: 'NATIVE',
          trade_state: 'SUCCESS',
          trade_state_desc: '支付成功',
          success_time: new Date(now()).toISOString().replace('Z', '+00:00'),
          payer: { openid: 'o-test-payer' },
          amount: { total: totalFen, payer_total: totalFen, currency: 'CNY', payer_currency: 'CNY' },
        },
        apiV3Key: m.apiV3Key,
        signer: h.v3Signer(),
        now,
        // As WeChat signs: on real time, whatever the simulated clock says.
        signedAt: Date.now,
      });
      return { headers: built.headers, rawBody: built.body };
    }
  });
}
