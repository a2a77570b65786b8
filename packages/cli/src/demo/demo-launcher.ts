import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  createServiceApp,
  generateAdminToken,
  type ServiceApp,
  type ServiceConfig,
  type TokenCacheKind,
  validateServiceConfig,
  type WechatCredentials,
} from '@wechatpay-kit/service';
import { FEE_RATE_PERCENT, type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { simulatorCredentials, simulatorPlatform } from './simulator-merchant-settings.js';
import { SimulatorNotificationResender } from './simulator-notification-resender.js';

export interface DemoOptions {
  /** Service port; 0 picks a free one. */
  port?: number;
  /** Simulator port; 0 picks a free one. */
  simPort?: number;
  /** Service database and simulator state live here; survives restarts. */
  dataDir?: string;
  /** `postgres://…` instead of the embedded SQLite database. */
  databaseUrl?: string;
  /** PostgreSQL schema to work in (tests isolate themselves in one). */
  databaseSchema?: string;
  /** Default: a fresh random token, printed once. */
  adminToken?: string;
  host?: string;
  /** Where the URLs and the token are printed; default stdout. */
  print?: (line: string) => void;
  logger?: boolean;
  /** Where the access_token / jsapi_ticket live, default `database` (`redis` needs `redisUrl`). */
  tokenCache?: TokenCacheKind;
  redisUrl?: string;
  /** Redis key prefix of the token cache (tests isolate themselves with one). */
  redisPrefix?: string;
  /** Default: random, so sessions end with the demo; pass one to share sessions between instances. */
  sessionSecret?: string;
  /** API version of orders that name none, default v3. */
  apiVersion?: WechatCredentials['apiVersion'];
  /** Longest a buyer waits for the prepay (default 5 s). */
  prepayDeadlineMs?: number;
  /** Rate limits and retention (default: the service's defaults). */
  limits?: ServiceConfig['limits'];
  metricsToken?: string;
  /** Behind a reverse proxy: the client is the one `X-Forwarded-For` names. */
  trustProxy?: boolean;
  /** The merchant's webhook endpoints (order and refund events). */
  webhooks?: ServiceConfig['webhooks'];
  /** API keys of the merchant's own systems (orders of their own amounts, idempotency keys). */
  merchantApiKeys?: ServiceConfig['merchantApiKeys'];
  /** Endpoints added from the admin: secrets at rest, plain-http URLs (allowed in the demo). */
  webhookStore?: ServiceConfig['webhookStore'];
  /** The till's payment-code timing (default WeChat's 5 s poll, 30 s deadline). */
  pos?: ServiceConfig['pos'];
}

export interface RunningDemo {
  service: ServiceApp;
  simulator: RunningSimulator;
  urls: {
    checkout: string;
    jsapi: string;
    h5: string;
    admin: string;
    docs: string;
    phone: string;
    console: string;
  };
  adminToken: string;
  stop(): Promise<void>;
}

/**
 * `npm start`: the simulator and the payment service in one process, the service configured as the
 * simulator's demo merchant exactly as it would be for WeChat (public-key mode, base URL, notify
 * URL) — the simulator is never a special case inside the service, which knows it only as base
 * URLs and, for the admin's "request resend", as a notification resender. The service's business clock
 * (order expiry, jobs) follows the simulator's, so moving that clock moves both; signatures are on
 * real time on both sides, as with WeChat.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir ?? 'data');
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const simulator = await startSimulator({
    port: options.simPort ?? 3100,
    host,
    dataDir: join(dataDir, 'simulator'),
  });
  let service: ServiceApp | undefined;
  try {
    // WeChat must be told the notify URL before the service listens, so a port 0 is resolved first.
    const port = options.port ? options.port : await freePort(host);
    const m = simulator.merchant;
    const adminToken = options.adminToken ?? generateAdminToken();
    const config: ServiceConfig = validateServiceConfig({
      port,
      host,
      dataDir,
      databaseUrl: options.databaseUrl,
      publicUrl: `http://${host}:${port}`,
      adminToken,
      orderTtlMinutes: 15,
      prepayDeadlineMs: options.prepayDeadlineMs,
      demo: { wechatAppUrl: simulator.url },
      logger: options.logger ?? false,
      limits: options.limits,
      metricsToken: options.metricsToken,
      trustProxy: options.trustProxy,
      webhooks: options.webhooks,
      merchantApiKeys: options.merchantApiKeys,
      webhookStore: options.webhookStore,
      pos: options.pos,
      // The simulator bills at one rate, so the demo checks every fee against it.
      reconciliation: {
        enabled: true,
        runAt: { hour: 10, minute: 0 },
        feeRateBasisPoints: FEE_RATE_PERCENT * 100,
      },
      wechat: simulatorCredentials(m, options.apiVersion),
      platform: simulatorPlatform(m, simulator.url, `${host}:${port}`, options),
    });
    service = await createServiceApp(config, {
      clock: { now: () => new Date(simulator.ctx.clock.now()) },
      databaseSchema: options.databaseSchema,
      redisPrefix: options.redisPrefix,
      fulfil: (order) => print(`delivered ${order.description} for order ${order.orderNo}`),
      // WeChat Pay has no resend API; the simulator's control API has one.
      notificationResender: new SimulatorNotificationResender({
        simulatorUrl: simulator.url,
        mchid: m.mchid,
      }),
    });
    const url = await service.start();
    // Native mode 1: WeChat asks this URL for an order when a product QR is scanned; H5 pay opens
    // only from pages on the merchant's H5 pay domain — the service's.
    simulator.ctx.merchants.update(m.mchid, {
      nativeCallbackUrl: `${config.publicUrl}/api/native/callback`,
      h5Domains: [new URL(config.publicUrl).hostname],
    });
    const urls = {
      checkout: `${url}/`,
      jsapi: `${url}/jsapi`,
      h5: `${url}/h5`,
      admin: `${url}/admin`,
      docs: `${url}/docs`,
      phone: `${simulator.url}/_sim/phone`,
      console: `${simulator.url}/_sim/console`,
    };
    print(`wechatpay-kit demo is running (WeChat Pay simulator merchant ${m.mchid})`);
    print(`  checkout     ${urls.checkout}`);
    print(`  JSAPI page   ${urls.jsapi}   (in WeChat: sign in, pay with the stand-in bridge)`);
    print(`  H5 page      ${urls.h5}   (a phone's browser: pay in the simulated WeChat, come back)`);
    print(`  admin        ${urls.admin}   token: ${adminToken}`);
    print(`  API docs     ${urls.docs}`);
    print(`  phone page   ${urls.phone}`);
    print(`  sim console  ${urls.console}`);
    print(`  data         ${dataDir}`);
    const started = service;
    return {
      service: started,
      simulator,
      urls,
      adminToken,
      async stop() {
        await started.stop();
        await simulator.stop();
      },
    };
  } catch (error) {
    await service?.stop();
    await simulator.stop();
    throw error;
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}
