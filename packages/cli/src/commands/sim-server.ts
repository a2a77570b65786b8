import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseCommandArgs } from '../arg-parser.js';
import { type CliIo, ExitCode, UsageError, untilSignal, writeLine } from '../command.js';
import { parseApiFaults, parseNotifyFaults } from './sim-fault-options.js';

const DEFAULT_PORT = 3100;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `wxpay sim`: the simulator alone, in the foreground until SIGINT or SIGTERM. Its state, keys and
 * CA live in the data folder, so the demo merchant and its orders survive a restart; the merchant's
 * settings are exported there for the payment service or any other client to read.
 */
export async function runSimServer(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    https: { type: 'boolean' },
    'data-dir': { type: 'string' },
    'public-url': { type: 'string' },
    fault: { type: 'string' },
    'notify-faults': { type: 'string' },
  });
  if (positionals.length > 0)
    throw new UsageError(
      `unknown sim subcommand "${positionals[0]}" (sim pay, miniprogram, logs, clock, resend, refund-settle)`,
    );
  const port = parsePort(values.port ?? io.env.SIM_PORT, values.port === undefined ? 'SIM_PORT' : '--port');
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolve(values['data-dir'] ?? join(io.env.DATA_DIR || 'data', 'simulator'));
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    throw new UsageError('--public-url must be an http:// or https:// URL');
  }

  const apiFaults = parseApiFaults(values.fault);
  const notifyFaults = parseNotifyFaults(values['notify-faults']);

  // Loaded here, not at the top: the signing tools must not pay for starting a web server.
  const { startSimulator, MERCHANT_EXPORT_FILES } = await import('@wechatpay-kit/simulator');
  const sim = await startSimulator({ port, host, dataDir, https: values.https ?? false, publicUrl });
  sim.ctx.faults.setApiFaults(apiFaults);
  sim.ctx.faults.setNotifyFaults(notifyFaults);
  const shown = publicUrl ?? sim.url;
  const where = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };

  writeLine(io.stdout, `WeChat Pay simulator listening on ${sim.url}`);
  writeLine(io.stdout, `  phone page  ${shown}/_sim/phone`);
  writeLine(io.stdout, `  console     ${shown}/_sim/console`);
  const exported = (name: string) => where(join(dataDir, 'merchant', name));
  writeLine(
    io.stdout,
    `  merchant    ${sim.merchant.mchid}, config exported to ${exported('merchant.json')}`,
  );
  writeLine(
    io.stdout,
    `  SDK options ${exported(MERCHANT_EXPORT_FILES.v3Options)}, ${exported(MERCHANT_EXPORT_FILES.v2Options)}`,
  );
  writeLine(
    io.stdout,
    `              new V3Client(JSON.parse(readFileSync('${exported(MERCHANT_EXPORT_FILES.v3Options)}', 'utf8')))`,
  );
  writeLine(io.stdout, `  service env ${exported(MERCHANT_EXPORT_FILES.serviceEnv)}`);
  writeLine(io.stdout, `  data        ${where(dataDir)}`);
  if (apiFaults.length > 0 || Object.keys(notifyFaults).length > 0) {
    writeLine(io.stdout, `  faults      ${JSON.stringify({ api: apiFaults, notify: notifyFaults })}`);
  }
  if (values.https) {
    const ca = sim.caCertificatePath ?? join(dataDir, 'ca-cert.pem');
    writeLine(
      io.stdout,
      `  local CA    ${where(ca)}; trust it with: export NODE_EXTRA_CA_CERTS=${resolve(ca)}`,
    );
  }
  if (!LOOPBACK.has(host)) {
    writeLine(
      io.stderr,
      `warning: listening on ${host}: the control API (/_sim/) has no authentication and hands out merchant keys; never expose it beyond a development network`,
    );
  }
  writeLine(io.stdout, 'Press Ctrl+C to stop.');

  const signal = await untilSignal();
  await sim.stop();
  writeLine(io.stdout, `simulator stopped (${signal})`);
  return ExitCode.ok;
}

function parsePort(text: string | undefined, name: string): number {
  if (text === undefined || text.trim() === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535)
    throw new UsageError(`${name} must be a port number 0–65535`);
  return port;
}
