import type { FaultInjector } from '../engine/fault-injector.js';
import type { MerchantRegistry } from '../engine/merchant-registry.js';
import type { SimClock } from '../engine/sim-clock.js';
import type { StateStore } from '../engine/state-store.js';
import type { TaskScheduler } from '../engine/task-scheduler.js';
import type { TradeEngine } from '../engine/trade-engine.js';

/** The engine parts the notifier uses; not the whole simulator context, which itself holds the notifier. */
export interface NotifierDeps {
  clock: SimClock;
  store: StateStore;
  scheduler: TaskScheduler;
  merchants: MerchantRegistry;
  trades: TradeEngine;
  faults: FaultInjector;
}
