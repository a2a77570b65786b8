// Live order states for the back office: one Server-Sent Events stream of every order's changes
// (read with fetch, so it carries the same credentials as every admin call), reconnected after a
// drop. The lists and the open drawer re-read what changed instead of polling.

import { $, msg, openStream, setText } from './admin-dom.js';

const RECONNECT_MS = 3000;
let controller;

/** Starts following; `onChange(orderNo, state)` is told of every change. Idempotent. */
export function followLiveEvents(onChange) {
  if (controller) return;
  controller = new AbortController();
  const { signal } = controller;
  const run = async () => {
    while (!signal.aborted) {
      try {
        const response = await openStream('/api/admin/events', signal);
        setLive(true);
        await readEvents(response.body, onChange);
      } catch (error) {
        if (signal.aborted || error.status === 401) break;
      }
      setLive(false);
      await new Promise((wait) => setTimeout(wait, RECONNECT_MS));
    }
    setLive(false);
    controller = undefined;
  };
  run();
}

/** Stops following (sign-out). */
export function stopLiveEvents() {
  controller?.abort();
}

async function readEvents(body, onChange) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const data = buffer
        .slice(0, cut)
        .split('\n')
        .find((line) => line.startsWith('data: '));
      buffer = buffer.slice(cut + 2);
      if (!data) continue;
      const event = JSON.parse(data.slice(6));
      onChange(event.orderNo, event.state);
    }
  }
}

function setLive(live) {
  const badge = $('live-status');
  badge.hidden = false;
  badge.dataset.live = String(live);
  setText(badge, msg(live ? 'live.on' : 'live.off'));
}
