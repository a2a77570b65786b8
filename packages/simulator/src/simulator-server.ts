import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiCallLog } from './engine/api-call-log.js';
import { CodePaymentEngine } from './engine/code-payment-engine.js';
import { FaultInjector } from './engine/fault-injector.js';
import { type IssueCredentials, MerchantRegistry, type NewMerchant } from './engine/merchant-registry.js';
import { NonceReplayGuard } from './engine/nonce-replay-guard.js';
import { PaymentCodeBook } from './engine/payment-code-book.js';
import { RefundEngine } from './engine/refund-engine.js';
import { SimClock } from './engine/sim-clock.js';
import type { MerchantRecord } from './engine/sim-records.js';
import { StateStore } from './engine/state-store.js';
import { TaskScheduler } from './engine/task-scheduler.js';
import { TradeEngine } from './engine/trade-engine.js';
import { UserDirectory } from './engine/user-directory.js';
import { merchantConfig, type SimMerchantConfig } from './merchant-config.js';
import {
  MERCHANT_EXPORT_FILES,
  MERCHANT_KEY_FILES,
  merchantClientOptions,
  merchantServiceEnv,
} from './merchant-exports.js';
import { NotificationDispatcher } from './notifier/notification-dispatcher.js';
import { LocalCa } from './pki/local-ca.js';
import { generateMerchantCredentials } from './pki/merchant-credentials.js';
import { RequestOriginGuard } from './request-origin-guard.js';
import { buildSimApp } from './sim-app.js';
import type { SimContext } from './sim-context.js';

export interface SimulatorOptions {
  /** Default 0 (any free port) — tests; the CLI uses 3100. */
  port?: number;
  host?: string;
  /** Keys, CA and state live here; without it everything is in memory (tests). */
  dataDir?: string;
  /** Serve HTTPS with a certificate from the local CA (see `LocalCa`), and ask for client certificates. */
  https?: boolean | { hosts?: string[] };
  /** How browsers and merchants reach the simulator, when not `http(s)://host:port`. */
  publicUrl?: string;
  /**
   * More host names the simulator answers to. Requests naming any other host (DNS rebinding) are
   * refused; loopback, WeChat's API hosts, `publicUrl`'s host and the listen address always work.
   */
  allowedHosts?: string[];
  /** The demo merchant created on first start; supplied keys or fixed ids make tests deterministic. */
  demoMerchant?: NewMerchant;
  /** Fastify's logger (off by default). */
  logger?: boolean;
}

export interface RunningSimulator {
  /** Base URL for the SDK (`baseUrl`) and the control API. */
  url: string;
  /** The demo merchant's configuration, ready for the SDK or the payment service. */
  merchant: SimMerchantConfig;
  /** The local CA certificate (HTTPS mode): trust it via `NODE_EXTRA_CA_CERTS` or `ca:`. */
  caCertificatePem?: string;
  /** Where that CA certificate is saved (HTTPS mode with a `dataDir`): the file for `NODE_EXTRA_CA_CERTS`. */
  caCertificatePath?: string;
  ctx: SimContext;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/**
 * Starts a simulator: loads or creates its state, creates the demo merchant on first start, and
 * listens. In-process for tests (`port: 0`), or behind `wxpay sim` / `npm start`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const dataDir = options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const store = new StateStore(dataDir ? join(dataDir, 'simulator-state.json') : undefined);
  const clock = new SimClock();
  const scheduler = new TaskScheduler(clock);
  const merchantCa = await LocalCa.loadOrCreateMerchantCa(dataDir);
  const issue: IssueCredentials = (mchid, merchantName) =>
    // Real time, not the simulated clock: TLS peers check certificates against the machine clock.
    generateMerchantCredentials({ mchid, merchantName, issuingCa: merchantCa, now: new Date() });
  const merchants = new MerchantRegistry(store, issue, () => clock.now());
  const users = new UserDirectory(store);
  let publicUrl = options.publicUrl ?? '';
  const trades = new TradeEngine(store, clock, users);
  const refunds = new RefundEngine(store, trades, clock, scheduler);
  const paymentCodes = new PaymentCodeBook(clock);
  const ctx: SimContext = {
    clock,
    store,
    scheduler,
    merchants,
    users,
    paymentCodes,
    trades,
    codePayments: new CodePaymentEngine(trades, paymentCodes, users, clock),
    refunds,
    faults: new FaultInjector(),
    nonces: new NonceReplayGuard(),
    notifier: undefined as unknown as SimContext['notifier'],
    apiCalls: new ApiCallLog(),
    publicUrl: () => publicUrl,
  };
  ctx.notifier = new NotificationDispatcher(ctx);

  store.load();
  clock.advance(store.getMeta<number>('clockOffsetMs') ?? 0);
  clock.onAdvance(() => store.setMeta('clockOffsetMs', clock.offsetMs));
  trades.reindex();
  users.seed();
  const demo = merchants.list()[0] ?? (await merchants.create(options.demoMerchant));
  trades.onPaid((trade) => {
    // A payment code's answer is the result: WeChat never notifies MICROPAY orders.
    if (!trade.lost && trade.tradeType !== 'MICROPAY') ctx.notifier.paymentSucceeded(trade);
  });
  refunds.onSettled((refund) => {
    if (!refund.silent) ctx.notifier.refundSettled(refund);
  });
  refunds.resume();
  ctx.notifier.resume();

  let tls:
    | { key: string; cert: string; ca: string[]; requestCert: true; rejectUnauthorized: false }
    | undefined;
  let caCertificatePem: string | undefined;
  let caCertificatePath: string | undefined;
  if (options.https) {
    const localCa = await LocalCa.loadOrCreate(dataDir);
    const hosts = typeof options.https === 'object' ? (options.https.hosts ?? []) : [];
    const server = await localCa.issueServerCertificate(hosts);
    caCertificatePem = localCa.certificatePem;
    caCertificatePath = localCa.certificatePath;
    // Client certificates are asked for, not required: only /secapi insists, as WeChat does.
    tls = {
      key: server.keyPem,
      cert: server.certPem,
      ca: [merchantCa.certificatePem],
      requestCert: true,
      rejectUnauthorized: false,
    };
  }
  const listenHost = options.host ?? '127.0.0.1';
  const guard = new RequestOriginGuard({
    listenHost,
    publicUrl: options.publicUrl,
    hosts: [
      ...(typeof options.https === 'object' ? (options.https.hosts ?? []) : []),
      ...(options.allowedHosts ?? []),
    ],
  });
  const app = buildSimApp(ctx, { logger: options.logger ?? false, ...(tls ? { https: tls } : {}) }, guard);
  await app.listen({ port: options.port ?? 0, host: listenHost });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  if (!publicUrl) publicUrl = url;

  const merchant = merchantConfig(demo, url);
  if (dataDir) exportMerchant(dataDir, demo, merchant);

  return {
    url,
    merchant,
    caCertificatePem,
    caCertificatePath,
    ctx,
    app,
    async stop() {
      ctx.notifier.stop();
      scheduler.stop();
      await app.close();
      store.flush();
    },
  };
}

/**
 * Writes the demo merchant's settings and keys where a developer (or `npm start`) finds them:
 * `merchant.json`, the key files, the SDK clients' options and the payment service's environment.
 */
function exportMerchant(dataDir: string, record: MerchantRecord, config: SimMerchantConfig): void {
  const dir = join(dataDir, 'merchant');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text, { mode: 0o600 });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  write('merchant.json', json(config));
  write(MERCHANT_KEY_FILES.privateKey, record.merchantPrivateKeyPem);
  write(MERCHANT_KEY_FILES.certificate, record.merchantCertificatePem);
  write(MERCHANT_KEY_FILES.publicKey, record.publicKeyPem);
  write(MERCHANT_KEY_FILES.platformCertificate, record.platformCertificatePem);
  const options = merchantClientOptions(config);
  write(MERCHANT_EXPORT_FILES.v3Options, json(options.v3));
  write(MERCHANT_EXPORT_FILES.v2Options, json(options.v2));
  write(
    MERCHANT_EXPORT_FILES.serviceEnv,
    merchantServiceEnv(config, (name) => resolve(dir, name)),
  );
}
