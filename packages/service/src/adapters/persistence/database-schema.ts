import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Timestamps are epoch milliseconds and money is integer fen in
 * both engines, so neither a server time zone nor a driver's date parsing can shift a value;
 * booleans are 0/1 because SQLite has no boolean type. The repositories convert to domain types.
 */
export interface DatabaseSchema {
  products: ProductsTable;
  orders: OrdersTable;
  order_history: OrderHistoryTable;
  notifications_received: NotificationsReceivedTable;
  jobs: JobsTable;
  refunds: RefundsTable;
  refund_history: RefundHistoryTable;
  platform_tokens: PlatformTokensTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  reconciliations: ReconciliationsTable;
  bill_entries: BillEntriesTable;
  reconciliation_discrepancies: ReconciliationDiscrepanciesTable;
  admin_users: AdminUsersTable;
  admin_sessions: AdminSessionsTable;
  audit_log: AuditLogTable;
}

export interface ProductsTable {
  id: string;
  name: string;
  description: string;
  price_fen: number;
  stock: number | null;
  active: number;
}

export interface OrdersTable {
  order_no: string;
  product_id: string;
  quantity: number;
  description: string;
  amount_fen: number;
  state: string;
  pay_type: string;
  api_version: string;
  openid: string | null;
  client_ip: string;
  code_url: string | null;
  prepay_id: string | null;
  h5_url: string | null;
  transaction_id: string | null;
  wechat_error_code: string | null;
  wechat_error_message: string | null;
  created_at: number;
  expires_at: number;
  paid_at: number | null;
  closed_at: number | null;
  fulfilled_at: number | null;
  refunded_fen: number;
  /** Refunds not FAILED / CLOSED (money promised back or paid back); never above amount_fen. */
  refund_reserved_fen: Generated<number>;
  updated_at: number;
  /** Native mode 1: the scan callback (openid / product / nonce) that created the order; unique. */
  mode1_callback_key: string | null;
  /** Who paid, as WeChat reported it; null until paid (and for orders paid before 0006). */
  payer_openid: Generated<string | null>;
  /** The merchant system's reference (merchant API orders only). */
  merchant_reference: Generated<string | null>;
  /** The merchant API key's name that created the order; null for shoppers' orders. */
  api_client: Generated<string | null>;
}

export interface OrderHistoryTable {
  id: Generated<number>;
  order_no: string;
  from_state: string | null;
  to_state: string;
  reason: string;
  source: string;
  at: number;
}

export interface NotificationsReceivedTable {
  id: Generated<number>;
  api_version: string;
  kind: string;
  order_no: string | null;
  raw_body: string;
  /** JSON text. */
  headers: string;
  verified: number;
  outcome: string;
  received_at: number;
  /** A verified v3 notification's decrypted resource (JSON); null otherwise. */
  decrypted_body: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  key: string;
  run_at: number;
  attempts: number;
  last_error: string | null;
  locked_until: number | null;
  locked_by: string | null;
  done_at: number | null;
  /** Set together with done_at when the runner gave up after maxAttempts. */
  failed_at: number | null;
  created_at: number;
  /** JSON text. */
  payload: string;
}

export interface RefundsTable {
  refund_no: string;
  order_no: string;
  amount_fen: number;
  reason: string;
  state: string;
  api_version: string;
  wechat_refund_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  succeeded_at: number | null;
}

export interface RefundHistoryTable {
  id: Generated<number>;
  refund_no: string;
  from_state: string | null;
  to_state: string;
  reason: string;
  source: string;
  at: number;
}

export type Dialect = 'sqlite' | 'postgres';

/** Shared access_token / jsapi_ticket entries and their refresh locks (epoch ms). */
export interface PlatformTokensTable {
  key: string;
  value: string | null;
  expires_at: number | null;
  lock_owner: string | null;
  lock_until: number | null;
}

export interface WebhookDeliveriesTable {
  /** `${event_id}|${endpoint_id}`. */
  id: string;
  event_id: string;
  event_type: string;
  /** The order or refund number the event is about. */
  subject: string;
  endpoint_id: string;
  /** The event as JSON, exactly as delivered. */
  payload: string;
  /** `pending`, `delivered` or `failed` (given up). */
  status: string;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  at: number;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  /** 1 for a resend from the admin. */
  manual: number;
}

/** One live `Idempotency-Key` of a merchant API key, and the order it made; primary key (scope, key). */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  /** SHA-256 of the request it stood for. */
  fingerprint: string;
  order_no: string;
  created_at: number;
  /** After this the key may be used again, for a new order. */
  expires_at: number;
}

/** A webhook endpoint added from the admin. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  description: string;
  enabled: number;
  /** Sealed by the secret box: `aes256gcm:…` (encrypted) or `plain:…`. */
  secret: string;
  /** The secret a rotation replaced, still signing until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  secret_rotated_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ReconciliationsTable {
  date: string;
  status: string;
  api_version: string | null;
  bill_rows: Generated<number>;
  bill_hash: string | null;
  /** JSON of the day's `MoneyTotals` at WeChat and here. */
  wechat: string | null;
  local: string | null;
  fund_flow: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  started_at: number;
  finished_at: number | null;
}

export interface BillEntriesTable {
  id: Generated<number>;
  date: string;
  kind: string;
  at: number;
  order_no: string;
  transaction_id: string;
  refund_no: string | null;
  wechat_refund_id: string | null;
  amount_fen: number;
  settlement_fen: number;
  fee_fen: number;
  state: string;
}

export interface ReconciliationDiscrepanciesTable {
  id: Generated<number>;
  date: string;
  kind: string;
  order_no: string;
  refund_no: string | null;
  wechat_fen: number | null;
  local_fen: number | null;
  detail: string;
  resolution: string;
  note: string | null;
  created_at: number;
  resolved_at: number | null;
}

export interface AdminUsersTable {
  id: string;
  /** Lower case, unique. */
  username: string;
  /** Argon2id, PHC string format (algorithm, cost and salt included). */
  password_hash: string;
  /** `owner`, `operator` or `viewer`. */
  role: string;
  disabled: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface AdminSessionsTable {
  /** SHA-256 of the cookie's session id; the id itself is never stored. */
  key: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** A username, or `token`. */
  actor: string;
  actor_id: string | null;
  action: string;
  target: string;
  detail: string;
  ip: string;
  user_agent: string;
}
