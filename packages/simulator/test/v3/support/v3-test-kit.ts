import { request as httpRequest } from 'node:http';
import { V3Client, type V3ClientOptions, V3RequestSigner } from '@wechatpay-kit/sdk';
import { nonceStr } from '@wechatpay-kit/sdk/crypto';
import type { V3SigningMode } from '../../../src/engine/sim-records.js';
import { type RunningSimulator, startSimulator } from '../../../src/simulator-server.js';

/** Loopback and closed: notifications fail fast instead of leaving the machine. */
export const NOTIFY_URL = 'http://127.0.0.1:9/api/notify/v3';

/** A simulator whose demo merchant signs v3 answers in `mode`. */
export function startV3Simulator(mode: V3SigningMode): Promise<RunningSimulator> {
  return startSimulator({ port: 0, demoMerchant: { v3SigningMode: mode } });
}

/**
 * Our SDK client configured the way a merchant in `mode` must configure it: the public key and its
 * id, or nothing (platform certificates are downloaded). It follows the simulator's clock.
 */
export function clientFor(sim: RunningSimulator, overrides: Partial<V3ClientOptions> = {}): V3Client {
  const m = sim.merchant;
  return new V3Client({
    mchid: m.mchid,
    serialNo: m.serialNo,
    privateKey: m.privateKeyPem,
    apiV3Key: m.apiV3Key,
    baseUrl: sim.url,
    verification:
      m.v3SigningMode === 'public-key'
        ? { mode: 'public-key', publicKeyId: m.publicKeyId, publicKey: m.publicKeyPem }
        : { mode: 'certificates', refreshIntervalMs: 0 },
    retry: { retries: 2, baseDelayMs: 1 },
    ...overrides,
  });
}

let sequence = 0;
/** A fresh, valid `out_trade_no` / `out_refund_no`. */
export function uniqueNo(prefix = 'T'): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence}`.slice(0, 32);
}

/** Order parameters our SDK accepts; tests change one field at a time. */
export function nativeOrder(sim: RunningSimulator, overrides: Record<string, unknown> = {}) {
  return {
    appid: sim.merchant.appid,
    description: '模拟商品 Simulated goods',
    out_trade_no: uniqueNo(),
    notify_url: NOTIFY_URL,
    amount: { total: 100, currency: 'CNY' as const },
    ...overrides,
  };
}

/** Pays an order as the simulated user would from the phone page. */
export function payAs(sim: RunningSimulator, outTradeNo: string, userId = 'alice') {
  const trade = sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo });
  if (!trade) throw new Error(`no order ${outTradeNo}`);
  return sim.ctx.trades.pay(trade, userId);
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary answer JSON
  json: () => any;
}

export interface RawRequest {
  method: 'GET' | 'POST';
  /** Path and query as sent. */
  url: string;
  body?: string;
  headers?: Record<string, string | undefined>;
}

/**
 * Sends exactly the given request over node:http (no client adds or fixes headers), for the
 * malformed cases our SDK would never produce. A header set to undefined is not sent.
 */
export function sendRaw(sim: RunningSimulator, req: RawRequest): Promise<RawAnswer> {
  const target = new URL(sim.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {}))
    if (value !== undefined) headers[name] = value;
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** The headers a correct client sends, with an Authorization signed over `signedUrl`/`signedBody`. */
export function signedHeaders(
  sim: RunningSimulator,
  req: {
    method: string;
    signedUrl: string;
    signedBody?: string;
    timestamp?: number;
    nonce?: string;
    serialNo?: string;
  },
): Record<string, string> {
  const signer = new V3RequestSigner({
    mchid: sim.merchant.mchid,
    serialNo: req.serialNo ?? sim.merchant.serialNo,
    privateKey: sim.merchant.privateKeyPem,
  });
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    Authorization: signer.authorization(
      req.method,
      req.signedUrl,
      req.signedBody ?? '',
      timestamp,
      req.nonce ?? nonceStr(),
    ),
    Accept: 'application/json',
    'User-Agent': 'v3-simulator-tests',
    ...(req.signedBody ? { 'Content-Type': 'application/json' } : {}),
  };
}
