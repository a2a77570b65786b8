/**
 * The round-robin proxy (`round-robin-proxy.mjs`) in a process of its own, as nginx would be: its
 * CPU is then its own line in the bench, not part of an instance's. Keep-alive to the instances
 * (nginx: `keepalive` in the upstream block), and a notification whose connection broke after it
 * was sent may go to the next instance (`proxy_next_upstream non_idempotent`): the service applies
 * WeChat's notifications idempotently.
 */
import { serveTasks } from './ipc-child.mjs';
import { startRoundRobinProxy } from './round-robin-proxy.mjs';

let proxy;

serveTasks({
  async start({ upstreams }) {
    proxy = await startRoundRobinProxy({
      upstreams,
      keepAlive: true,
      retrySent: (method, path) => method === 'POST' && path.startsWith('/api/notify/'),
    });
    return { url: proxy.url };
  },
  setUpstreams({ upstreams }) {
    proxy.setUpstreams(upstreams);
    return true;
  },
  stats() {
    return proxy.stats;
  },
  async stop() {
    await proxy?.close();
    return true;
  },
});
