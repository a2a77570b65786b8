import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/index.js';
import type { OrderEvent } from '../../src/domain/index.js';

const event = (orderNo: string, state: OrderEvent['state'] = 'PAID'): OrderEvent => ({
  orderNo,
  state,
  at: new Date(0),
});

describe('InProcessEventBus', () => {
  it('delivers an order’s events to its listeners only', () => {
    const bus = new InProcessEventBus();
    const a: OrderEvent[] = [];
    const b: OrderEvent[] = [];
    bus.subscribe('A', (e) => a.push(e));
    bus.subscribe('B', (e) => b.push(e));
    bus.publish(event('A'));
    bus.publish(event('A', 'CLOSED'));
    expect(a.map((e) => e.state)).toEqual(['PAID', 'CLOSED']);
    expect(b).toEqual([]);
  });

  it('forgets an order with its last listener, and unsubscribing twice is harmless', () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    const offs = Array.from({ length: 1000 }, (_, i) => bus.subscribe(`O${i}`, (e) => seen.push(e.orderNo)));
    const sameFnTwice = (e: OrderEvent) => seen.push(`twice:${e.orderNo}`);
    const off1 = bus.subscribe('O0', sameFnTwice);
    const off2 = bus.subscribe('O0', sameFnTwice);
    expect(bus.watchedOrders).toBe(1000);
    for (const off of offs) off();
    off1();
    off1();
    bus.publish(event('O0'));
    expect(seen).toEqual(['twice:O0']);
    off2();
    expect(bus.watchedOrders).toBe(0);
    bus.publish(event('O0'));
    expect(seen).toHaveLength(1);
  });

  it('keeps delivering when one listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = new InProcessEventBus({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    bus.subscribe('A', () => {
      throw new Error('closed socket');
    });
    bus.subscribe('A', (e) => seen.push(e.state));
    bus.publish(event('A'));
    expect(seen).toEqual(['PAID']);
    expect(errors).toHaveLength(1);
  });

  it('lets a listener unsubscribe itself while being called', () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    const off = bus.subscribe('A', () => {
      seen.push('once');
      off();
    });
    bus.subscribe('A', () => seen.push('always'));
    bus.publish(event('A'));
    bus.publish(event('A'));
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
