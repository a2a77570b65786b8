/**
 * A checkout page's side of `GET /api/orders/:orderNo/events`, as small as a browser's EventSource
 * would be for the bench's purposes: it reads the blocks, counts heartbeats and notes the moment
 * PAID arrives. Shared by the outside world (suites C, G) and the watcher processes (suite H).
 */
import http from 'node:http';

/**
 * Opens the stream at `url`; resolves once its first event (the order's current state) has arrived,
 * with `paid` (a promise of `performance.now()` when PAID is seen), `heartbeats()` (comment lines
 * so far), `lastHeartbeatAt()` (epoch ms, comparable across processes) and `close()`. Rejects on an
 * HTTP error or a refused connection.
 */
export function openOrderStream(url, { agent } = {}) {
  return new Promise((opened, failed) => {
    let beats = 0;
    let lastBeatAt = Number.NaN;
    let markPaid;
    const paid = new Promise((resolve) => {
      markPaid = resolve;
    });
    const request = http.get(url, { agent }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return failed(new Error(`SSE ${url}: HTTP ${res.statusCode}`));
      }
      res.setEncoding('utf8');
      let buffer = '';
      let first = true;
      res.on('data', (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(': heartbeat')) {
            beats++;
            lastBeatAt = performance.timeOrigin + performance.now();
          }
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          if (JSON.parse(data.slice(6)).state === 'PAID') markPaid(performance.now());
          if (first) {
            first = false;
            opened({
              paid,
              heartbeats: () => beats,
              lastHeartbeatAt: () => lastBeatAt,
              close: () => request.destroy(),
            });
          }
        }
      });
      res.on('error', () => {});
    });
    request.on('error', failed);
  });
}
