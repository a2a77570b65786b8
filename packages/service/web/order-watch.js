// Shared by the checkout and JSAPI pages: JSON calls with readable errors, and an order's state
// followed by SSE with a 1 s polling fallback. Plain browser module, no build step.

/** Order states after which nothing more happens for the buyer. */
export const FINAL = new Set(['PAID', 'CLOSED', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED']);

/** fetch + JSON; a non-2xx answer throws its `message` (with WeChat's code when there is one). */
export async function api(path, init) {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...(init?.headers ?? {}) },
  });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = body?.message || `HTTP ${response.status}`;
    const error = new Error(body?.wechatCode ? `${body.wechatCode}: ${message}` : message);
    error.status = response.status;
    error.code = body?.error;
    error.orderNo = body?.orderNo;
    error.retryable = body?.retryable === true;
    throw error;
  }
  return body;
}

/**
 * Calls `onUpdate` with the order (or just `{state}`) whenever it changes: SSE first; if the stream
 * fails before the order is final, polling once a second. Returns `stop()`.
 */
export function watchOrder(orderNo, onUpdate) {
  const path = `/api/orders/${encodeURIComponent(orderNo)}`;
  let stopped = false;
  let stream = null;
  let poll = null;
  let lastState = null;
  const update = (order) => {
    if (stopped) return;
    lastState = order.state ?? lastState;
    onUpdate(order);
    if (FINAL.has(lastState)) stop();
  };
  const startPolling = () => {
    if (poll || stopped) return;
    poll = setInterval(async () => {
      try {
        update(await api(path));
      } catch {
        // keep polling: the network may come back
      }
    }, 1000);
  };
  const stop = () => {
    stopped = true;
    stream?.close();
    clearInterval(poll);
  };
  if (!window.EventSource) {
    startPolling();
    return { stop };
  }
  stream = new EventSource(`${path}/events`);
  stream.addEventListener('state', (event) => {
    const data = JSON.parse(event.data);
    if (FINAL.has(data.state)) {
      // The stream ends after a final state; fetch once for the transaction id.
      stream.close();
      api(path)
        .then(update)
        .catch(() => update({ state: data.state }));
    } else if (data.state !== lastState) {
      update({ state: data.state });
    }
  });
  // A stream the server ends (an instance shutting down sends a short `retry:` first) is reconnected
  // by the browser itself, through the load balancer to an instance still running, which sends the
  // current state first. Only a stream the browser gave up on, or one failing again and again,
  // falls back to polling.
  let failures = 0;
  stream.onopen = () => {
    failures = 0;
  };
  stream.onerror = () => {
    failures += 1;
    // REVERSED (a till's order) ends the stream for good though it is not final here: no reconnect.
    const reconnecting = stream.readyState !== EventSource.CLOSED && failures < 3 && lastState !== 'REVERSED';
    if (reconnecting) return;
    stream.close();
    if (!FINAL.has(lastState)) startPolling();
  };
  return { stop };
}
