import type { EventBus, OrderEvent } from '../../domain/index.js';

type Listener = (event: OrderEvent) => void;

/**
 * Order events within one process (one service instance): each open SSE stream subscribes to one
 * order. An order's listener set is dropped with its last listener, so a long-running service holds
 * entries only for orders someone is watching right now. A throwing listener cannot stop the others.
 */
export class InProcessEventBus implements EventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #everything = new Set<Listener>();
  readonly #onListenerError: (error: unknown, event: OrderEvent) => void;

  constructor(options: { onListenerError?: (error: unknown, event: OrderEvent) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  publish(event: OrderEvent): void {
    const listeners = this.#listeners.get(event.orderNo);
    if (!listeners && this.#everything.size === 0) return;
    for (const listener of [...(listeners ?? []), ...this.#everything]) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  subscribe(orderNo: string, listener: Listener): () => void {
    let listeners = this.#listeners.get(orderNo);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(orderNo, listeners);
    }
    // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
    const entry: Listener = (event) => listener(event);
    listeners.add(entry);
    return () => {
      const current = this.#listeners.get(orderNo);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#listeners.delete(orderNo);
    };
  }

  subscribeAll(listener: Listener): () => void {
    const entry: Listener = (event) => listener(event);
    this.#everything.add(entry);
    return () => {
      this.#everything.delete(entry);
    };
  }

  /** Orders with at least one listener (for `/metrics` and leak tests). */
  get watchedOrders(): number {
    return this.#listeners.size;
  }
}
