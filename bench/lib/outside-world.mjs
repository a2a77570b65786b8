/**
 * The world outside the merchant, in a child process: the WeChat Pay simulator, the buyers'
 * browsers and WeChat's notification sender. The service bench forks this script so that the bench
 * process holds the merchant service alone, and `process.cpuUsage()` there is the merchant's CPU.
 *
 * Protocol (IPC): the child first sends `{ type: 'ready', url, merchant, publicKeySigner }`; then it
 * answers each `{ id, task, ...args }` message with `{ id, result }` or `{ id, error }`.
 */
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { startSimulator } from '../../packages/simulator/dist/index.js';
import { benchAmount, benchOffsetMs } from './bench-day.mjs';
import { runLoad } from './http-load.mjs';
import { serveTasks } from './ipc-child.mjs';
import { openOrderStream } from './sse-client.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'wxkit-bench-sim-'));
const sim = await startSimulator({ port: 0, host: '127.0.0.1', dataDir });
const record = sim.ctx.merchants.get(sim.merchant.mchid);
const signer = { privateKey: createPrivateKey(record.publicKeyPrivatePem), serial: record.publicKeyId };

const tasks = {
  /** Buyers placing orders: POST /api/orders (v3 Native) for `count` orders or `maxMs`. */
  async createOrders({ serviceUrl, count, concurrency, maxMs }) {
    const body = JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' });
    const orders = [];
    const load = await runLoad({
      url: serviceUrl,
      count,
      concurrency,
      maxMs,
      request: () => ({
        path: '/api/orders',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
      check: (status, text) => {
        if (status !== 201) return `HTTP ${status}: ${text.slice(0, 120)}`;
        const order = JSON.parse(text);
        if (!order.codeUrl) return 'no code_url in the answer';
        orders.push({ orderNo: order.orderNo, amount: order.amount });
      },
    });
    return { ...load, orders };
  },

  /** WeChat's TRANSACTION.SUCCESS callbacks, signed and encrypted ahead of time (not timed). */
  buildNotifications({ orders, set }) {
    const m = sim.merchant;
    const successTime = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\.\d+Z$/, '+08:00');
    this.built ??= {};
    this.built[set] = orders.map((o, i) =>
      buildV3Notification({
        event_type: 'TRANSACTION.SUCCESS',
        apiV3Key: m.apiV3Key,
        signer,
        resource: {
          appid: m.appid,
          mchid: m.mchid,
          out_trade_no: o.orderNo,
          transaction_id: `4200${set === 'warm' ? 1 : 0}${String(Date.now()).slice(-10)}${String(i).padStart(13, '0')}`,
          trade_type: 'NATIVE',
          trade_state: 'SUCCESS',
          trade_state_desc: '支付成功',
          bank_type: 'OTHERS',
          attach: '',
          success_time: successTime,
          payer: { openid: `o${randomUUID().replaceAll('-', '').slice(0, 27)}` },
          amount: { total: o.amount, payer_total: o.amount, currency: 'CNY', payer_currency: 'CNY' },
        },
      }),
    );
    return { built: this.built[set].length, bodyBytes: this.built[set][0]?.body.length ?? 0 };
  },

  /** Sends one prebuilt set of callbacks to the service as fast as `concurrency` connections allow. */
  async sendNotifications({ serviceUrl, concurrency, set }) {
    const built = this.built?.[set] ?? [];
    let next = 0;
    this.loading = (this.loading ?? 0) + 1;
    return runLoad({
      url: serviceUrl,
      count: built.length,
      concurrency,
      request: () => {
        const n = built[next++];
        return { path: '/api/notify/v3', method: 'POST', headers: n.headers, body: n.body };
      },
      check: (status, text) => (status === 200 || status === 204 ? undefined : `HTTP ${status}: ${text}`),
    }).finally(() => {
      this.loading--;
    });
  },

  /** One prebuilt set of callbacks as `{ headers, body }`, for a process that sends them itself. */
  exportNotifications({ set }) {
    return this.built[set];
  },

  /** The first prebuilt callback, `count` times, to `url` + `path`: the same bytes to a bare route. */
  async sendCopies({ url, path, count, concurrency }) {
    const n = this.built.measured[0];
    return runLoad({
      url,
      count,
      concurrency,
      request: () => ({ path, method: 'POST', headers: n.headers, body: n.body }),
      check: (status, text) => (status === 204 ? undefined : `HTTP ${status}: ${text}`),
    });
  },

  /**
   * Each order gets an SSE stream and a 1 s poller at once; the orders are then paid one after the
   * other at the simulator, `gapMs` apart. Returns, per order, the delay from the pay call to the
   * PAID event on the stream and to the first poll answer that shows PAID.
   */
  async watchPayments({ serviceUrl, orders, gapMs, pollMs }) {
    const watchers = await Promise.all(orders.map((o) => watch(serviceUrl, o.orderNo, pollMs)));
    const outcomes = [];
    for (const [i, w] of watchers.entries()) {
      if (i > 0) await sleep(gapMs);
      const paidCall = performance.now();
      await payAtSimulator(w.orderNo);
      const payCallMs = performance.now() - paidCall;
      outcomes.push(
        Promise.all([w.sse, w.poll].map(withinSeconds(10))).then(([sseAt, pollAt]) => ({
          sseMs: sseAt - paidCall,
          pollMs: pollAt - paidCall,
          payCallMs,
        })),
      );
    }
    const results = await Promise.all(outcomes);
    for (const w of watchers) w.close();
    return results;
  },

  /**
   * Each order is watched on every one of `urls` (e.g. instance A, whose address WeChat notifies,
   * and instance B) by an SSE stream, opened beforehand; the orders are then paid one after the
   * other at the simulator, `gapMs` apart. Per order: the delay from the pay call to the PAID event
   * on each stream (NaN if it never came), and whether a notification load of this process ran
   * from the payment until the last of them.
   */
  async watchAcross({ urls, orders, gapMs }) {
    const streams = await Promise.all(
      orders.map((o) => Promise.all(urls.map((u) => openOrderStream(`${u}/api/orders/${o.orderNo}/events`)))),
    );
    const outcomes = [];
    for (const [i, perUrl] of streams.entries()) {
      if (i > 0) await sleep(gapMs);
      const busy = this.loading > 0;
      const paidCall = performance.now();
      await payAtSimulator(orders[i].orderNo);
      outcomes.push(
        Promise.all(perUrl.map((s) => withinSeconds(10)(s.paid))).then((at) => ({
          ms: at.map((t) => t - paidCall),
          underLoad: busy && this.loading > 0,
        })),
      );
    }
    const results = await Promise.all(outcomes);
    for (const perUrl of streams) for (const s of perUrl) s.close();
    return results;
  },

  /** A bare node:http server answering 204, for the merchant's HTTP client floor. */
  async startBareServer() {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.bare = server;
    return `http://127.0.0.1:${server.address().port}`;
  },

  /**
   * A busy day at WeChat for the reconciliation bench: `count` paid v3 Native orders on the China
   * day `date`, numbered `${prefix}${i}`, amounts and times as `benchTrade(i)` gives them. Staged as
   * lost, so no notification leaves; only the day's bill lists them.
   */
  seedPaidTrades({ count, date, prefix }) {
    const m = sim.merchant;
    const dayStart = Date.parse(`${date}T00:00:00+08:00`);
    const far = sim.ctx.clock.now() + 24 * 3600_000;
    let billBytes = 0;
    for (let i = 0; i < count; i++) {
      const { trade } = sim.ctx.trades.create({
        mchid: m.mchid,
        appid: m.appid,
        apiVersion: 'v3',
        tradeType: 'NATIVE',
        outTradeNo: `${prefix}${i}`,
        description: 'bench coffee',
        totalFen: benchAmount(i),
        notifyUrl: '',
        timeExpire: far,
      });
      sim.ctx.trades.pay(trade, 'alice', { lost: true });
      trade.paidAt = dayStart + benchOffsetMs(i, count);
      billBytes += 330;
    }
    return { count, approxBillBytes: billBytes };
  },

  async stop() {
    this.bare?.close();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
    return true;
  },
};

serveTasks(tasks, { url: sim.url, merchant: sim.merchant });

/** An SSE stream and a poller on one order; both promises resolve at the moment PAID is seen. */
async function watch(serviceUrl, orderNo, pollMs) {
  const stream = await openOrderStream(`${serviceUrl}/api/orders/${orderNo}/events`);
  let timer;
  let closed = false;
  // The poller's phase relative to the payment is random, as a real browser's would be.
  const poll = new Promise((paid) => {
    const tick = async () => {
      const answer = await fetch(`${serviceUrl}/api/orders/${orderNo}`);
      const order = await answer.json();
      if (order.state === 'PAID') return paid(performance.now());
      if (!closed) timer = setTimeout(tick, pollMs);
    };
    timer = setTimeout(tick, Math.random() * pollMs);
  });
  const close = () => {
    closed = true;
    clearTimeout(timer);
    stream.close();
  };
  return { orderNo, sse: stream.paid, poll, close };
}

/** The buyer confirms the payment on the phone: the simulator pays the order, then notifies. */
async function payAtSimulator(orderNo) {
  const answer = await fetch(`${sim.url}/_sim/orders/${orderNo}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice' }),
  });
  await answer.arrayBuffer();
  if (!answer.ok) throw new Error(`pay ${orderNo}: HTTP ${answer.status}`);
}

/** A watcher that never sees PAID yields NaN (reported as missing) instead of hanging the bench. */
function withinSeconds(seconds) {
  return (promise) => Promise.race([promise, sleep(seconds * 1000).then(() => Number.NaN)]);
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}
