import { parseCommandArgs } from '../arg-parser.js';
import {
  CliError,
  type CliIo,
  type Command,
  ExitCode,
  UsageError,
  untilSignal,
  writeLine,
} from '../command.js';

/**
 * `wxpay start` (what `npm start` runs): the payment service and the simulator in one process, the
 * service set up as the simulator's demo merchant, so a person can buy and pay within a minute of
 * `npm install`. With `WECHATPAY_MCHID` in the environment it runs the service alone against real
 * WeChat Pay instead. Runs until SIGINT or SIGTERM, then shuts down gracefully.
 */
export const startCommand: Command = {
  name: 'start',
  synopsis: ['start'],
  summary: 'the payment service and the simulator with embedded defaults',
  help: `Usage:
  wxpay start

Starts the WeChat Pay simulator and the payment service (checkout page, admin page, API docs) with
the simulator's demo merchant: no keys to paste. Prints the URLs and a fresh admin token (unless
ADMIN_TOKEN is set), and runs until Ctrl+C.

With WECHATPAY_MCHID set, runs the service alone as that merchant against real WeChat Pay; then
WECHATPAY_APPID, WECHATPAY_API_KEY, WECHATPAY_APIV3_KEY, WECHATPAY_SERIAL_NO,
WECHATPAY_PRIVATE_KEY_PATH, WECHATPAY_PUBLIC_KEY_ID, WECHATPAY_PUBLIC_KEY_PATH, PUBLIC_URL (how
WeChat reaches the notify URLs) and ADMIN_TOKEN are required; WECHATPAY_BASE_URL,
WECHATPAY_API_VERSION (v3), ORDER_TTL_MINUTES (15) and HOST (127.0.0.1) are optional.

Environment:
  PORT          the service, default 3000
  SIM_PORT      the simulator, default 3100
  DATA_DIR      database, keys and simulator state, default ./data
  DATABASE_URL  postgres://… to use PostgreSQL instead of the embedded SQLite database
  ADMIN_TOKEN   the admin page's token (at least 16 characters)
  WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_EVENTS   send order and refund events to your own system
  MERCHANT_API_KEYS   name:key,… keys your systems create orders with (POST /api/orders)
  LOG_LEVEL     "info" to log every request (off by default)`,

  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length > 0) throw new UsageError(`start takes no arguments (got "${positionals[0]}")`);
    const port = parsePort(io.env.PORT, 'PORT', 3000);
    const simPort = parsePort(io.env.SIM_PORT, 'SIM_PORT', 3100);
    // Loaded here, not at the top: the signing tools must not pay for starting a web server.
    const service = await import('@wechatpay-kit/service');
    if (io.env.WECHATPAY_MCHID) return runMerchantService(service, io);
    const { startDemo } = await import('../demo/demo-launcher.js');
    // Inside the promise, so a bad WEBHOOK_URL or MERCHANT_API_KEYS is explained like every start error.
    const demo = await (async () =>
      startDemo({
        port,
        simPort,
        dataDir: io.env.DATA_DIR || 'data',
        databaseUrl: io.env.DATABASE_URL || undefined,
        adminToken: io.env.ADMIN_TOKEN || undefined,
        redisUrl: io.env.REDIS_URL || undefined,
        tokenCache: tokenCacheOf(io.env.TOKEN_CACHE),
        logger: io.env.LOG_LEVEL === 'info',
        webhooks: service.webhookEndpointsOf(io.env),
        merchantApiKeys: service.merchantApiKeysOf(io.env),
        print: (line) => writeLine(io.stdout, line),
      }))().catch((error: unknown) => explainStartError(service, error));
    writeLine(io.stdout, 'Press Ctrl+C to stop.');
    const signal = await untilSignal();
    await demo.stop();
    writeLine(io.stdout, `stopped (${signal})`);
    return ExitCode.ok;
  },
};

type ServiceModule = typeof import('@wechatpay-kit/service');

/** The service alone, as a real merchant: every setting from the environment, checked before anything starts. */
async function runMerchantService(service: ServiceModule, io: CliIo): Promise<number> {
  let config: ReturnType<ServiceModule['loadServiceConfig']>;
  try {
    config = service.loadServiceConfig(io.env);
  } catch (error) {
    explainStartError(service, error);
  }
  const app = await service.createServiceApp(config);
  const url = await app.start().catch(async (error: unknown) => {
    await app.stop();
    return explainStartError(service, error);
  });
  writeLine(io.stdout, `payment service for merchant ${config.wechat.mchid} listening on ${url}`);
  writeLine(io.stdout, `  notify URLs  ${config.publicUrl}/api/notify/v2, ${config.publicUrl}/api/notify/v3`);
  writeLine(io.stdout, `  WeChat Pay   ${config.wechat.baseUrl ?? 'https://api.mch.weixin.qq.com'}`);
  writeLine(io.stdout, 'Press Ctrl+C to stop.');
  const signal = await untilSignal();
  await app.stop();
  writeLine(io.stdout, `stopped (${signal})`);
  return ExitCode.ok;
}

/** One line naming the setting to change: a bad variable, or a port already taken. */
function explainStartError(service: ServiceModule, error: unknown): never {
  if (error instanceof service.ServiceConfigError) throw new CliError(`configuration: ${error.message}`);
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    const which = port === undefined ? 'a port' : `port ${port}`;
    throw new CliError(`${which} is already in use; choose others with PORT and SIM_PORT`);
  }
  throw error;
}

function parsePort(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535)
    throw new UsageError(`${name} must be a port number 0–65535`);
  return port;
}

/** `TOKEN_CACHE` for the demo; anything else is refused by the service's own config check. */
function tokenCacheOf(value: string | undefined): 'database' | 'redis' | 'memory' | undefined {
  return value ? (value as 'database' | 'redis' | 'memory') : undefined;
}
