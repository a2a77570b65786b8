import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/index.js';
import type { Order, OrderState } from '../../src/domain/index.js';
import { OrderEventStreams } from '../../src/http/order-event-stream.js';

/** Just what the stream reads of an order. */
const orderIn = (state: OrderState) => ({ state, payType: 'NATIVE' }) as Order;

interface Watcher {
  /** Every block received so far (`event: …` or `: heartbeat`), in order. */
  blocks: string[];
  response: IncomingMessage;
  until(predicate: (blocks: string[]) => boolean): Promise<void>;
  ended: Promise<void>;
}

describe('OrderEventStreams over real HTTP', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((closed) => server?.close(closed) ?? closed(undefined));
    server = undefined;
  });

  /** A server streaming `/<orderNo>`; `load` may hold the order's read open. */
  async function serve(streams: OrderEventStreams, load: (orderNo: string) => Promise<Order>) {
    server = createServer((req, res) => {
      const orderNo = req.url!.slice(1);
      void streams.stream(orderNo, res, () => load(orderNo));
    });
    await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function watch(url: string): Promise<Watcher> {
    return new Promise((opened, failed) => {
      const request = get(url, (response) => {
        const blocks: string[] = [];
        const waiters: Array<() => void> = [];
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
            blocks.push(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
          for (const wake of waiters.splice(0)) wake();
        });
        const ended = new Promise<void>((done) => response.on('end', done));
        const until = async (predicate: (seen: string[]) => boolean) => {
          while (!predicate(blocks)) await new Promise<void>((wake) => waiters.push(wake));
        };
        opened({ blocks, response, until, ended });
      });
      request.on('error', failed);
    });
  }

  const states = (blocks: string[]) =>
    blocks
      .filter((b) => b.startsWith('event: state'))
      .map((b) => JSON.parse(b.split('\ndata: ')[1]!).state as string);
  const heartbeats = (blocks: string[]) => blocks.filter((b) => b === ': heartbeat').length;

  it('gives every open stream the one heartbeat, and runs its timer only while a stream is open', async () => {
    const bus = new InProcessEventBus();
    const streams = new OrderEventStreams(bus, { heartbeatMs: 30, heartbeatBatch: 1 });
    const url = await serve(streams, async () => orderIn('NOTPAY'));
    expect(streams.heartbeatRunning).toBe(false);

    const a = await watch(`${url}/A`);
    const b = await watch(`${url}/B`);
    await Promise.all([a, b].map((w) => w.until((blocks) => heartbeats(blocks) >= 2)));
    expect(streams.openCount).toBe(2);
    expect(streams.heartbeatRunning).toBe(true);
    expect(states(a.blocks)).toEqual(['NOTPAY']);

    a.response.destroy();
    await until(() => streams.openCount === 1);
    expect(streams.heartbeatRunning).toBe(true);
    const before = heartbeats(b.blocks);
    await b.until((blocks) => heartbeats(blocks) > before);

    b.response.destroy();
    await until(() => streams.openCount === 0);
    expect(streams.heartbeatRunning).toBe(false);
    expect(bus.watchedOrders).toBe(0);
  });

  it('writes the heartbeat a batch per turn and still reaches every open stream', async () => {
    const bus = new InProcessEventBus();
    const streams = new OrderEventStreams(bus, { heartbeatMs: 40, heartbeatBatch: 2 });
    const url = await serve(streams, async () => orderIn('NOTPAY'));
    const watchers = await Promise.all(['G', 'H', 'I', 'J', 'K'].map((o) => watch(`${url}/${o}`)));
    await Promise.all(watchers.map((w) => w.until((blocks) => heartbeats(blocks) >= 2)));
    const [gone, ...left] = watchers;
    gone!.response.destroy();
    await until(() => streams.openCount === 4);
    const counts = left.map((w) => heartbeats(w.blocks));
    await Promise.all(left.map((w, i) => w.until((blocks) => heartbeats(blocks) >= counts[i]! + 2)));
    for (const w of left) expect(states(w.blocks)).toEqual(['NOTPAY']);
    for (const w of left) w.response.destroy();
    await until(() => streams.openCount === 0);
    expect(streams.heartbeatRunning).toBe(false);
  });

  it('sends the current state first, then what happened while it was read, and ends at PAID', async () => {
    const bus = new InProcessEventBus();
    const streams = new OrderEventStreams(bus, { heartbeatMs: 60_000 });
    let release = () => {};
    const url = await serve(
      streams,
      () =>
        new Promise<Order>((loaded) => {
          // The payment lands after the subscription and before the read answers.
          bus.publish({ orderNo: 'C', state: 'PAID', at: new Date() });
          release = () => loaded(orderIn('NOTPAY'));
        }),
    );
    const watching = watch(`${url}/C`);
    await until(() => streams.openCount === 1);
    release();
    const watcher = await watching;
    await watcher.ended;
    expect(states(watcher.blocks)).toEqual(['NOTPAY', 'PAID']);
    expect(streams.openCount).toBe(0);
    expect(streams.heartbeatRunning).toBe(false);
    expect(bus.watchedOrders).toBe(0);
  });

  it('ends every stream on closeAll with a retry hint, leaving no stream and no timer', async () => {
    const bus = new InProcessEventBus();
    const streams = new OrderEventStreams(bus, { heartbeatMs: 60_000 });
    const url = await serve(streams, async () => orderIn('NOTPAY'));
    const watchers = await Promise.all(['D', 'E', 'F'].map((o) => watch(`${url}/${o}`)));
    await Promise.all(watchers.map((w) => w.until((blocks) => states(blocks).length === 1)));
    streams.closeAll(1_000);
    await Promise.all(watchers.map((w) => w.ended));
    for (const w of watchers) expect(w.blocks.at(-1)).toMatch(/\nretry: 1000$/);
    expect(streams.openCount).toBe(0);
    expect(streams.heartbeatRunning).toBe(false);
    expect(bus.watchedOrders).toBe(0);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((tick) => setTimeout(tick, 5));
  expect(condition()).toBe(true);
}
