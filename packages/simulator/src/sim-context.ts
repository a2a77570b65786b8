import type { ApiCallLog } from './engine/api-call-log.js';
import type { CodePaymentEngine } from './engine/code-payment-engine.js';
import type { FaultInjector } from './engine/fault-injector.js';
import type { MerchantRegistry } from './engine/merchant-registry.js';
import type { NonceReplayGuard } from './engine/nonce-replay-guard.js';
import type { PaymentCodeBook } from './engine/payment-code-book.js';
import type { RefundEngine } from './engine/refund-engine.js';
import type { SimClock } from './engine/sim-clock.js';
import type { StateStore } from './engine/state-store.js';
import type { TaskScheduler } from './engine/task-scheduler.js';
import type { TradeEngine } from './engine/trade-engine.js';
import type { UserDirectory } from './engine/user-directory.js';
import type { NotificationDispatcher } from './notifier/notification-dispatcher.js';

/** Everything a route, the notifier and the control API share; built once per simulator. */
export interface SimContext {
  clock: SimClock;
  store: StateStore;
  scheduler: TaskScheduler;
  merchants: MerchantRegistry;
  users: UserDirectory;
  /** The users' one-time payment codes (付款码), as their phones would show them. */
  paymentCodes: PaymentCodeBook;
  trades: TradeEngine;
  /** Payment-code charges, the password on the phone, reversals. */
  codePayments: CodePaymentEngine;
  refunds: RefundEngine;
  faults: FaultInjector;
  nonces: NonceReplayGuard;
  /** WeChat's callbacks to merchants: delivery, retries, the log and resends. */
  notifier: NotificationDispatcher;
  /** The API calls of this run, for `wxpay sim logs` and `/_sim/api-calls`. */
  apiCalls: ApiCallLog;
  /** The simulator's own base URL as clients reach it (phone page links, `h5_url`, bill downloads). */
  publicUrl(): string;
}
