import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v2NotificationAck } from '@wechatpay-kit/sdk';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { sql } from 'kysely';
import pg from 'pg';
import { skipReasonFor } from '../../../../../test-support/required-service.js';
import { InProcessEventBus } from '../../../src/adapters/events/index.js';
import {
  type Database,
  KyselyJobQueue,
  KyselyNotificationLog,
  KyselyOrderRepository,
  KyselyProductRepository,
  openDatabase,
  seedDemoProducts,
} from '../../../src/adapters/persistence/index.js';
import { inboundNotifications, SdkWechatGateway } from '../../../src/adapters/wechat/index.js';
import type { ApiVersion, Clock, Order, OrderEvent, WechatGateway } from '../../../src/domain/index.js';
import {
  CloseExpiredOrder,
  CreateOrder,
  GetOrder,
  HandlePaymentNotification,
  type HandlePaymentNotificationOutput,
  MarkPaid,
  type PaymentDeps,
  ReconcileOrder,
  RetryPrepay,
} from '../../../src/use-cases/index.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when the test PostgreSQL answers; PG suites are skipped (with a message) only when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    skipReasonFor('PostgreSQL', `unreachable at ${PG_URL}: ${(error as Error).message}`);
    return false;
  }
}

export interface Delivery {
  apiVersion: ApiVersion;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  result: HandlePaymentNotificationOutput;
}

export interface HarnessOptions {
  engine: 'sqlite' | 'postgres';
  fulfil?: (order: Order) => void | Promise<void>;
  /** Wraps the real gateway (to inject a buyer's action at a precise point of a use case). */
  wrapGateway?: (gateway: WechatGateway) => WechatGateway;
}

/**
 * The payment use cases wired to real parts: the simulator in-process, the SDK gateway, the Kysely
 * repositories on a real database, and a tiny notify endpoint that hands what the simulator POSTs to
 * HandlePaymentNotification and answers in WeChat's format (the real HTTP routes are tested elsewhere).
 */
export class PaymentHarness {
  readonly deliveries: Delivery[] = [];
  readonly events: OrderEvent[] = [];
  /** Added to the simulator's time for the service's clock: lets the service think an order expired first. */
  serviceSkewMs = 0;
  deps!: PaymentDeps;
  gateway!: SdkWechatGateway;
  database!: Database;
  createOrder!: CreateOrder;
  retryPrepay!: RetryPrepay;
  markPaid!: MarkPaid;
  handleNotification!: HandlePaymentNotification;
  closeExpired!: CloseExpiredOrder;
  reconcile!: ReconcileOrder;
  getOrder!: GetOrder;
  readonly #pgSchema = `uc_${randomBytes(6).toString('hex')}`;
  #receiver!: Server;

  private constructor(
    readonly sim: RunningSimulator,
    readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions): Promise<PaymentHarness> {
    const harness = new PaymentHarness(await startSimulator({ port: 0 }), options);
    await harness.#wire();
    return harness;
  }

  async #wire(): Promise<void> {
    const { sim, options } = this;
    this.#receiver = createServer((req, res) => {
      void this.#receive(req).then(
        ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => this.#receiver.listen(0, '127.0.0.1', resolve));
    const port = (this.#receiver.address() as AddressInfo).port;

    this.database =
      options.engine === 'postgres'
        ? await openDatabase({ url: PG_URL, schema: this.#pgSchema, maxConnections: 4 })
        : await openDatabase();
    await seedDemoProducts(this.database.db);

    const clock: Clock = { now: () => new Date(sim.ctx.clock.now() + this.serviceSkewMs) };
    const m = sim.merchant;
    this.gateway = new SdkWechatGateway({
      appid: m.appid,
      miniProgramAppid: m.miniProgramAppid,
      mchid: m.mchid,
      apiKey: m.apiKey,
      apiV3Key: m.apiV3Key,
      serialNo: m.serialNo,
      privateKeyPem: m.privateKeyPem,
      verification: { mode: 'public-key', publicKeyId: m.publicKeyId, publicKeyPem: m.publicKeyPem },
      baseUrl: sim.url,
      notifyBaseUrl: `http://127.0.0.1:${port}`,
    });
    const events = new InProcessEventBus();
    const db = this.database.db;
    this.deps = {
      orders: new KyselyOrderRepository(db, clock),
      products: new KyselyProductRepository(db),
      notifications: new KyselyNotificationLog(db),
      jobs: new KyselyJobQueue(db, clock),
      gateway: options.wrapGateway ? options.wrapGateway(this.gateway) : this.gateway,
      inbound: inboundNotifications(this.gateway.clients),
      events: {
        publish: (event) => {
          this.events.push(event);
          events.publish(event);
        },
        subscribe: (orderNo, listener) => events.subscribe(orderNo, listener),
        subscribeAll: (listener) => events.subscribeAll(listener),
      },
      clock,
      fulfil: options.fulfil,
    };
    this.createOrder = new CreateOrder(this.deps);
    this.retryPrepay = new RetryPrepay(this.deps);
    this.markPaid = new MarkPaid(this.deps);
    this.handleNotification = new HandlePaymentNotification(this.deps, this.markPaid);
    this.closeExpired = new CloseExpiredOrder(this.deps, this.markPaid);
    this.reconcile = new ReconcileOrder(this.deps, this.markPaid);
    this.getOrder = new GetOrder(this.deps);
  }

  async #receive(req: IncomingMessage): Promise<{ status: number; type: string; body: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const apiVersion: ApiVersion = req.url?.endsWith('/v2') ? 'v2' : 'v3';
    const result = await this.handleNotification.execute({ apiVersion, headers: req.headers, rawBody: body });
    this.deliveries.push({ apiVersion, headers: req.headers, body, result });
    if (apiVersion === 'v2')
      return { status: 200, type: 'text/xml', body: v2NotificationAck(result.ack, result.message) };
    return result.ack
      ? { status: 204, type: 'text/plain', body: '' }
      : {
          status: 500,
          type: 'application/json',
          body: JSON.stringify({ code: 'FAIL', message: result.message }),
        };
  }

  /** Creates a Native order for the 9.90 coffee. */
  async nativeOrder(apiVersion: ApiVersion, quantity = 1): Promise<Order> {
    return this.createOrder.execute({
      productId: 'demo-coffee',
      quantity,
      payType: 'NATIVE',
      apiVersion,
      clientIp: '127.0.0.1',
    });
  }

  /** The buyer pays on the simulated phone. */
  pay(order: Order, user = 'alice'): void {
    const trade = this.sim.ctx.trades.lookup(order.codeUrl ?? order.prepayId ?? order.orderNo);
    if (!trade) throw new Error(`the simulator has no trade for ${order.orderNo}`);
    this.sim.ctx.trades.pay(trade, user);
  }

  async order(orderNo: string): Promise<Order> {
    return (await this.getOrder.execute({ orderNo })).order;
  }

  /** Polls until `check` holds (notifications travel over real HTTP); fails after 10 s. */
  async waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** The jobs about an order (its own key, or a follow-up naming it in `payload.orderNo`), oldest first. */
  async jobs(
    orderNo: string,
  ): Promise<Array<{ type: string; key: string; runAt: number; payload: Record<string, unknown> }>> {
    const rows = await this.database.db.selectFrom('jobs').selectAll().orderBy('id').execute();
    return rows
      .map((r) => ({
        type: r.type,
        key: r.key,
        runAt: Number(r.run_at),
        payload: JSON.parse(r.payload) as Record<string, unknown>,
      }))
      .filter((j) => j.key === orderNo || j.payload.orderNo === orderNo);
  }

  /** The WeChat Pay public-key-mode signer of the simulated merchant (to build v3 notifications). */
  v3Signer(): { privateKey: string; serial: string } {
    const record = this.sim.ctx.merchants.get(this.sim.merchant.mchid)!;
    return { privateKey: record.publicKeyPrivatePem, serial: record.publicKeyId };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#receiver.close(() => resolve()));
    await this.gateway.shutdown();
    await this.sim.stop();
    if (this.options.engine === 'postgres') {
      await sql`drop schema if exists ${sql.id(this.#pgSchema)} cascade`.execute(this.database.db);
    }
    await this.database.close();
  }
}
