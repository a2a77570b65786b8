/**
 * Open checkout pages by the thousand, in a process of their own (suite H): each watcher is a real
 * `GET /api/orders/:orderNo/events` on its own socket, so this process needs one descriptor per
 * watcher. It also sends the burst of payments itself (prebuilt WeChat callbacks), so that the
 * moment a payment leaves and the moment its event arrives are read from one clock.
 */
import http from 'node:http';
import { percentile, runLoad } from './http-load.mjs';
import { serveTasks } from './ipc-child.mjs';
import { processCensus } from './process-census.mjs';
import { openOrderStream } from './sse-client.mjs';

const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
/** orderNo → open stream */
const watchers = new Map();

serveTasks({
  /**
   * Opens one stream per order on `url`, at most `concurrency` opening at a time (a browser
   * crowd arrives over time, not in one SYN flood); a watcher counts as open once the order's
   * current state has arrived.
   */
  async open({ url, orderNos, concurrency }) {
    const took = [];
    const errors = [];
    let next = 0;
    const began = performance.now();
    const worker = async () => {
      while (next < orderNos.length) {
        const orderNo = orderNos[next++];
        const t0 = performance.now();
        try {
          watchers.set(orderNo, await openOrderStream(`${url}/api/orders/${orderNo}/events`, { agent }));
          took.push(performance.now() - t0);
        } catch (error) {
          errors.push(String(error?.message ?? error));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return {
      open: took.length,
      errors: errors.length,
      firstErrors: [...new Set(errors)].slice(0, 3),
      seconds: (performance.now() - began) / 1000,
      p50Ms: percentile(took, 0.5),
      p99Ms: percentile(took, 0.99),
    };
  },

  /**
   * Heartbeat comments received so far over every open watcher, and the earliest and latest of
   * the watchers' last heartbeat (epoch ms): the span in which the service's last tick arrived.
   */
  heartbeats() {
    let beats = 0;
    let firstAt = Number.POSITIVE_INFINITY;
    let lastAt = Number.NEGATIVE_INFINITY;
    for (const w of watchers.values()) {
      beats += w.heartbeats();
      const at = w.lastHeartbeatAt();
      if (!Number.isFinite(at)) continue;
      firstAt = Math.min(firstAt, at);
      lastAt = Math.max(lastAt, at);
    }
    return { beats, firstAt, lastAt };
  },

  /**
   * Sends `notifications` (one per order of `orderNos`, same order) to `url` at `concurrency`, and
   * waits up to 10 s for each order's watcher to see PAID. Answers the load's figures, each
   * watcher's delay from its own notification leaving to its event, and when, from the first
   * notification, the last answer and the last event came.
   */
  async burst({ url, notifications, orderNos, concurrency }) {
    const sentAt = new Array(notifications.length);
    let next = 0;
    const began = performance.now();
    const load = await runLoad({
      url,
      count: notifications.length,
      concurrency,
      request: () => {
        const i = next++;
        sentAt[i] = performance.now();
        const n = notifications[i];
        return { path: '/api/notify/v3', method: 'POST', headers: n.headers, body: n.body };
      },
      check: (status, text) => (status === 200 || status === 204 ? undefined : `HTTP ${status}: ${text}`),
    });
    const lastAnswerMs = performance.now() - began;
    let timer;
    const timeout = new Promise((done) => {
      timer = setTimeout(done, 10_000, Number.NaN);
    });
    const paidAt = await Promise.all(
      orderNos.map((orderNo) => Promise.race([watchers.get(orderNo)?.paid ?? Number.NaN, timeout])),
    );
    clearTimeout(timer);
    const delays = paidAt.map((at, i) => at - sentAt[i]).filter((d) => Number.isFinite(d));
    return {
      load,
      seen: delays.length,
      p50Ms: percentile(delays, 0.5),
      p99Ms: percentile(delays, 0.99),
      lastAnswerMs,
      lastEventMs: Math.max(...paidAt.filter(Number.isFinite)) - began,
    };
  },

  /** Every watcher closes its page at once. */
  closeAll() {
    for (const w of watchers.values()) w.close();
    const closed = watchers.size;
    watchers.clear();
    return closed;
  },

  census() {
    return processCensus();
  },

  stop() {
    this.closeAll();
    agent.destroy();
    return true;
  },
});
