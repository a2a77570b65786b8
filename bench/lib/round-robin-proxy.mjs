/**
 * A small load balancer for putting several service instances behind one address, in the bench
 * (throughput of 2 instances vs 1) and in the rolling-restart test. It does what nginx does by
 * default, so what passes here passes behind nginx too:
 * - the request body is read in full first (`proxy_request_buffering on`), so a request can be
 *   passed to the next instance when the chosen one cannot be reached;
 * - an instance that refuses the connection is skipped at once (`proxy_next_upstream error`), and
 *   any request whose connection failed before it was sent goes to the next instance; a request
 *   already sent is passed on again only when `retrySent` says so (`non_idempotent`, right for
 *   WeChat's notifications, which the service applies idempotently), otherwise the client gets 502;
 * - answers stream straight through (`proxy_buffering off`), so SSE events arrive as they are sent.
 * Beyond nginx's defaults it can poll each instance's `/health/ready` (what HAProxy, Kubernetes or a
 * cloud load balancer do) and take an instance out while it is not ready, which is how a draining
 * instance stops getting new work before its listener closes.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';

/**
 * @typedef {object} ProxyOptions
 * @property {string[]} upstreams  base URLs, e.g. `http://127.0.0.1:3001`
 * @property {number} [port]       0 (default): any free port
 * @property {boolean} [keepAlive] reuse connections to the instances (nginx: `keepalive N`); default off
 * @property {(method: string, path: string) => boolean} [retrySent] may a request already sent be passed on again?
 * @property {number} [healthIntervalMs] poll `/health/ready` this often; 0 (default): no active checks
 */

/**
 * @typedef {object} RunningProxy
 * @property {string} url
 * @property {{ passed: number[], retried: number, failed: number, skippedUnready: number }} stats
 * @property {(upstreams: string[]) => void} setUpstreams
 * @property {() => Promise<void>} close
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** @param {ProxyOptions} options @returns {Promise<RunningProxy>} */
export async function startRoundRobinProxy(options) {
  let upstreams = options.upstreams.map((base) => new URL(base));
  /** Instances whose last readiness poll failed; consulted only with active checks on. */
  const unready = new Set();
  const agent = new Agent({ keepAlive: options.keepAlive ?? false, maxSockets: 256 });
  const stats = { passed: upstreams.map(() => 0), retried: 0, failed: 0, skippedUnready: 0 };
  let next = 0;

  const order = () => {
    const start = next++ % upstreams.length;
    const all = upstreams.map((_, i) => (start + i) % upstreams.length);
    const ready = all.filter((i) => !unready.has(upstreams[i].host));
    stats.skippedUnready += all.length - ready.length;
    // When none looks ready, try them all anyway: a stale check must not take the site down.
    return ready.length > 0 ? [...ready, ...all.filter((i) => !ready.includes(i))] : all;
  };

  const server = createServer(async (incoming, outgoing) => {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['x-forwarded-for'] = incoming.socket.remoteAddress;
    headers['content-length'] = String(body.length);
    const mayRetrySent = options.retrySent?.(incoming.method, incoming.url) ?? false;

    for (const [attempt, index] of order().entries()) {
      if (attempt > 0) stats.retried++;
      const outcome = await pass(upstreams[index], incoming, outgoing, headers, body, agent);
      if (outcome === 'answered') {
        stats.passed[index]++;
        return;
      }
      if (outcome === 'sent' && !mayRetrySent) break;
    }
    stats.failed++;
    if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
    outgoing.end('bad gateway\n');
  });
  server.keepAliveTimeout = 65_000;

  const health =
    options.healthIntervalMs > 0
      ? setInterval(() => {
          for (const upstream of upstreams) {
            const probe = httpRequest(
              new URL('/health/ready', upstream),
              { agent, timeout: 1_000 },
              (answer) => {
                answer.resume();
                if (answer.statusCode === 200) unready.delete(upstream.host);
                else unready.add(upstream.host);
              },
            );
            probe.on('error', () => unready.add(upstream.host));
            probe.on('timeout', () => probe.destroy());
            probe.end();
          }
        }, options.healthIntervalMs)
      : undefined;
  health?.unref();

  await new Promise((listening) => server.listen(options.port ?? 0, '127.0.0.1', listening));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setUpstreams(list) {
      upstreams = list.map((base) => new URL(base));
      stats.passed = upstreams.map(() => 0);
    },
    async close() {
      clearInterval(health);
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
      agent.destroy();
    },
  };
}

/**
 * One try against one instance: `answered` once its status line came back (the answer is then
 * streamed to the client, whatever happens later), `unsent` when the connection failed before the
 * request went out (always safe to pass on), `sent` when it failed after.
 */
function pass(upstream, incoming, outgoing, headers, body, agent) {
  return new Promise((settle) => {
    let connected = false;
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers,
        agent,
      },
      (answer) => {
        const answerHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (!HOP_BY_HOP.has(name)) answerHeaders[name] = value;
        }
        outgoing.writeHead(answer.statusCode, answerHeaders);
        outgoing.flushHeaders();
        answer.on('data', (chunk) => outgoing.write(chunk));
        answer.on('end', () => outgoing.end());
        answer.on('error', () => outgoing.destroy());
        outgoing.on('close', () => answer.destroy());
        settle('answered');
      },
    );
    forward.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    forward.on('error', () => settle(connected ? 'sent' : 'unsent'));
    forward.end(body);
  });
}
