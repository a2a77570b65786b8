/**
 * The floor of an open checkout page: a bare `node:http` server (no framework, no database, no
 * event bus) answering every GET with the service's SSE head and a first event, then holding the
 * response open, in a process of its own. What it costs per connection in memory, and per
 * heartbeat in CPU, is what Node itself costs; the service is judged against it.
 */
import http from 'node:http';
import { serveTasks } from './ipc-child.mjs';
import { cpuUs, processCensus } from './process-census.mjs';

let server;
const open = new Set();

serveTasks({
  async start() {
    server = http.createServer((req, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      const event = { orderNo: req.url.split('/')[3], state: 'NOTPAY', at: new Date() };
      res.write(`event: state\ndata: ${JSON.stringify(event)}\n\n`);
      open.add(res);
      res.on('close', () => open.delete(res));
    });
    await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
    return { url: `http://127.0.0.1:${server.address().port}` };
  },

  /**
   * One heartbeat to every open stream, in one loop: `{ streams, cpuUs }`. Node corks a response's
   * socket for the rest of the tick, so the writes reach the sockets after the loop: the CPU is read
   * once the loop has turned.
   */
  async heartbeat() {
    const before = cpuUs();
    for (const res of open) res.write(': heartbeat\n\n');
    await new Promise((turned) => setImmediate(turned));
    return { streams: open.size, cpuUs: cpuUs() - before };
  },

  streams() {
    return { open: open.size };
  },

  census() {
    return { ...processCensus(), open: open.size };
  },

  async stop() {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
    return true;
  },
});
