import type { CustomAmount, IdempotencyClaim, IdempotencyRecord } from './merchant-order.js';
import type { Fen } from './money.js';
import type { ApiVersion, Order, OrderHistoryEntry, OrderState, PayType, Product } from './order.js';

/**
 * The interfaces the use cases need from the outside world. Adapters (Kysely, the SDK, the event
 * bus) implement them; nothing in `domain/` or `use-cases/` imports an adapter or a framework.
 */

export interface NewOrder
  extends Omit<
    Order,
    | 'state'
    | 'paidAt'
    | 'closedAt'
    | 'fulfilledAt'
    | 'transactionId'
    | 'payerOpenid'
    | 'refundedFen'
    | 'codeUrl'
    | 'prepayId'
    | 'h5Url'
    | 'wechatErrorCode'
    | 'wechatErrorMessage'
  > {
  /** Native mode 1: the scan callback that created the order (unique, so a replayed callback creates nothing). */
  mode1CallbackKey?: string;
}

/** The job that delivers a paid order (runs the {@link FulfilmentHook}); its key is the order number. */
export const FULFIL_JOB = 'fulfil';

/** A durable job, written in the same transaction as what it is about. */
export interface NewJob {
  type: 'close-expired' | 'reconcile' | typeof FULFIL_JOB | (string & {});
  /** Usually the orderNo. */
  key: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

export interface TransitionRequest {
  orderNo: string;
  /**
   * The update only happens while the order is in one of these states (conditional UPDATE). Take
   * `from` and `to` from `orderTransition(event)`; every from → to must be in the order table.
   */
  from: readonly OrderState[];
  to: OrderState;
  /**
   * The update also only happens if the order costs exactly this: a payment notification's amount,
   * checked by the same conditional UPDATE, so applying a payment needs no read before it.
   */
  amountFen?: number;
  /** Columns set together with the state. */
  changes?: Partial<
    Pick<
      Order,
      | 'transactionId'
      | 'payerOpenid'
      | 'paidAt'
      | 'closedAt'
      | 'fulfilledAt'
      | 'refundedFen'
      | 'wechatErrorCode'
      | 'wechatErrorMessage'
    >
  >;
  reason: string;
  source: string;
  /**
   * A received notification to log in the same transaction, written only if this transition wins:
   * the notification that caused a change and the change itself are then stored by one commit.
   */
  notification?: ReceivedNotification;
  /**
   * Jobs written in the same transaction, only if this transition wins (an outbox): the work a
   * state change promises — the delivery of a paid order — can then never be lost to a crash
   * between the commit and the work.
   */
  jobs?: readonly NewJob[];
}

export interface OrderFilter {
  /** One state, or any of several (the admin's "paid" is {@link PAID_ORDER_STATES}). */
  state?: OrderState | readonly OrderState[];
  payType?: PayType;
  apiVersion?: ApiVersion;
  productId?: string;
  /** Exactly this amount (fen): how a merchant finds the order a buyer describes ("I paid 68 yuan"). */
  amountFen?: number;
  /** An order number prefix, or exactly a WeChat transaction id or a payer openid. */
  search?: string;
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Created before this instant. */
  createdTo?: Date;
  limit?: number;
  /** Orders created before this (pagination, newest first). */
  before?: Date;
  /** Keyset pagination: orders listed after this one (newest first), ties on `createdAt` included. */
  afterOrderNo?: string;
}

export interface OrderRepository {
  /** Inserts the order, its first history row and its jobs in one transaction. */
  insertWithJobs(order: NewOrder, jobs: NewJob[]): Promise<Order>;
  findByOrderNo(orderNo: string): Promise<Order | undefined>;
  /**
   * `UPDATE orders SET state = to … WHERE order_no = ? AND state IN (from)` plus a history row, in one
   * transaction. Returns the updated order, or `undefined` when another writer got there first.
   */
  transition(request: TransitionRequest): Promise<Order | undefined>;
  /**
   * Stores the prepay WeChat returned (code_url / prepay_id / h5_url) or the error it gave, and
   * returns the order as stored (`undefined` if there is no such order).
   */
  recordPrepay(
    orderNo: string,
    prepay:
      | { codeUrl?: string; prepayId?: string; h5Url?: string }
      | { errorCode: string; errorMessage: string },
  ): Promise<Order | undefined>;
  /**
   * Marks the goods delivered exactly once — `UPDATE … SET fulfilled_at WHERE fulfilled_at IS NULL` —
   * and completes the order's pending `fulfil` job in the same transaction. `false` if it already was.
   */
  markFulfilled(orderNo: string, at: Date): Promise<boolean>;
  /** The order a Native mode-1 scan callback created, by its {@link NewOrder.mode1CallbackKey}. */
  findByMode1CallbackKey(key: string): Promise<Order | undefined>;
  /**
   * {@link insertWithJobs}, with `claim` written in the same transaction by a conditional insert:
   * `undefined`, and nothing written, when another order holds the key and it has not expired.
   */
  insertOnce(order: NewOrder, jobs: NewJob[], claim: IdempotencyClaim): Promise<Order | undefined>;
  /** The live claim of an idempotency key (not expired at `now`), if any. */
  findByIdempotencyKey(scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined>;
  history(orderNo: string): Promise<OrderHistoryEntry[]>;
  list(filter?: OrderFilter): Promise<Order[]>;
}

export interface ProductRepository {
  /** What can be bought; `{ all: true }` also the withdrawn ones (the admin's catalogue). */
  list(options?: { all?: boolean }): Promise<Product[]>;
  find(id: string): Promise<Product | undefined>;
  /** `false` when a product with this id exists already. */
  create(product: Product): Promise<boolean>;
  /** The product as changed, or `undefined` when there is none with this id. */
  update(id: string, changes: Partial<Omit<Product, 'id'>>): Promise<Product | undefined>;
}

/** Every notification received, valid or not, with its raw body and the verification result. */
export interface ReceivedNotification {
  apiVersion: ApiVersion;
  kind: 'payment' | 'refund' | 'product-callback';
  orderNo: string | null;
  rawBody: string;
  headers: Record<string, string>;
  verified: boolean;
  /** What happened: `applied`, `duplicate`, or why it was rejected. */
  outcome: string;
  receivedAt: Date;
  /** A verified v3 notification's decrypted resource (JSON), for the admin; v2 bodies are plain. */
  decryptedBody?: string;
}

export interface NotificationLog {
  record(entry: ReceivedNotification): Promise<void>;
  forOrder(orderNo: string): Promise<ReceivedNotification[]>;
  /** Deletes unverified notifications received before `before`; verified ones are never deleted. */
  pruneUnverified(before: Date): Promise<number>;
}

export interface JobQueue {
  enqueue(job: NewJob): Promise<void>;
}

/** What WeChat says about an order when asked (query). */
export interface WechatTradeStatus {
  /** WeChat's trade_state: SUCCESS, NOTPAY, CLOSED, REFUND, PAYERROR, USERPAYING, REVOKED, or NOT_FOUND. */
  tradeState: string;
  /** WeChat holds the money (SUCCESS, or REFUND: paid, a refund started since) — WeChat's rule, read by the adapter. */
  paid: boolean;
  transactionId?: string;
  amountFen?: Fen;
  paidAt?: Date;
  payerOpenid?: string;
}

/** A payment notification that passed signature verification (and decryption), protocol-neutral. */
export interface VerifiedPayment {
  apiVersion: ApiVersion;
  orderNo: string;
  transactionId: string;
  appid: string;
  mchid: string;
  amountFen: Fen;
  tradeState: string;
  paidAt: Date;
  payerOpenid?: string;
  /** The decrypted resource as JSON (v3), kept with the notification for the admin. */
  decrypted?: string;
}

/** WeChat Pay as the use cases see it (implemented on the SDK, against WeChat or the simulator). */
export interface WechatGateway {
  readonly appid: string;
  /** Every appid payments may be made under (official account, mini-program…); just `appid` when absent. */
  readonly appids?: readonly string[];
  readonly mchid: string;
  /** The API versions the merchant is configured for; absent = both. */
  readonly apiVersions?: readonly ApiVersion[];
  createPrepay(order: Order): Promise<{ codeUrl?: string; prepayId?: string; h5Url?: string }>;
  query(order: Pick<Order, 'orderNo' | 'apiVersion'>): Promise<WechatTradeStatus>;
  /** Closes at WeChat; `ALREADY_PAID` when WeChat says the order was paid meanwhile. */
  close(order: Pick<Order, 'orderNo' | 'apiVersion'>): Promise<'CLOSED' | 'ALREADY_PAID'>;
}

/** State changes pushed to browsers (SSE) — in-process, or across instances. */
export interface OrderEvent {
  orderNo: string;
  state: OrderState;
  at: Date;
}

export interface EventBus {
  publish(event: OrderEvent): void;
  subscribe(orderNo: string, listener: (event: OrderEvent) => void): () => void;
  /** Every order's events (the back office's live lists); returns the unsubscribe. */
  subscribeAll(listener: (event: OrderEvent) => void): () => void;
}

/**
 * The merchant's own reaction to a paid order (deliver the goods). Called **at least once** per paid
 * order: a durable `fulfil` job is written in the transaction that makes the order PAID, so a crash
 * before the delivery is recorded, a failing hook or a hook slower than the retry delay means it is
 * called again (possibly by another instance). It must therefore be idempotent, keyed on
 * `order.orderNo`; it has succeeded once it resolves, and a throw or rejection asks for a retry.
 */
export type FulfilmentHook = (order: Order) => Promise<void> | void;

export interface Clock {
  now(): Date;
}

/** Creating orders needs these from the request context. */
export interface CreateOrderInput {
  /** A catalogue product; or, for a merchant API key only, {@link CreateOrderInput.custom}. */
  productId?: string;
  quantity?: number;
  /** The merchant's own amount and text instead of a product; needs {@link CreateOrderInput.apiClient}. */
  custom?: CustomAmount;
  /** The merchant API key's name, when the merchant's own system places the order. */
  apiClient?: string;
  merchantReference?: string;
  payType: PayType;
  apiVersion?: ApiVersion;
  openid?: string;
  clientIp: string;
  /** Native mode 1 only: see {@link NewOrder.mode1CallbackKey}. */
  mode1CallbackKey?: string;
}

/** Readiness of what the service cannot work without (the database). */
export interface HealthCheck {
  /** `true` when the database answers; may throw instead of answering `false`. */
  ping(): Promise<boolean>;
  /** `true` when every migration this build knows is recorded as applied; may throw. */
  migrationsApplied(): Promise<boolean>;
}
