import { PlatformClient } from '@wechatpay-kit/sdk';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../../src/index.js';

/** The answer of a raw request: status, content type, text and (when it is JSON) the parsed body. */
export interface RawAnswer {
  status: number;
  contentType: string | null;
  location: string | null;
  text: string;
  json: Record<string, unknown>;
}

/** A simulator with the demo merchant's apps at hand and an SDK platform client pointed at it. */
export interface PlatformSim {
  sim: RunningSimulator;
  client: PlatformClient;
  /** The simulator's clock, for the SDK's `now` option: the SDK and WeChat must agree on time. */
  now: () => number;
  oa: { appid: string; secret: string };
  mini: { appid: string; secret: string };
  mobile: { appid: string; secret: string };
  get(path: string, query?: Record<string, string>): Promise<RawAnswer>;
  post(path: string, body: unknown, query?: Record<string, string>): Promise<RawAnswer>;
  send(
    method: string,
    path: string,
    init?: { body?: string; query?: Record<string, string> },
  ): Promise<RawAnswer>;
  /** Apps of a new merchant (reusing the demo's keys, so it is instant): a clean slate for token state. */
  freshApps(): Promise<Record<'oa' | 'mini' | 'mobile', { appid: string; secret: string }>>;
  /** Moves the simulated clock (seconds). */
  advance(seconds: number): void;
  close(): Promise<void>;
}

export async function startPlatformSim(options: SimulatorOptions = {}): Promise<PlatformSim> {
  const sim = await startSimulator({ port: 0, ...options });
  const client = new PlatformClient({ baseUrl: sim.url, retry: { retries: 0, baseDelayMs: 1 } });
  const pick = (apps: { appid: string; secret: string; kind: string }[], kind: string) => {
    const found = apps.find((a) => a.kind === kind)!;
    return { appid: found.appid, secret: found.secret };
  };
  const app = (kind: string) => pick(sim.merchant.apps, kind);
  const freshApps = async () => {
    const demo = sim.ctx.merchants.get(sim.merchant.mchid)!;
    const merchant = await sim.ctx.merchants.create({
      credentials: {
        merchant: {
          privateKeyPem: demo.merchantPrivateKeyPem,
          certificatePem: demo.merchantCertificatePem,
          serialNo: demo.merchantSerialNo,
        },
        platform: {
          privateKeyPem: demo.platformPrivateKeyPem,
          certificatePem: demo.platformCertificatePem,
          serialNo: demo.platformSerialNo,
        },
        publicKey: {
          id: demo.publicKeyId,
          privateKeyPem: demo.publicKeyPrivatePem,
          publicKeyPem: demo.publicKeyPem,
        },
      },
    });
    return {
      oa: pick(merchant.apps, 'official-account'),
      mini: pick(merchant.apps, 'mini-program'),
      mobile: pick(merchant.apps, 'app'),
    };
  };
  const send = async (
    method: string,
    path: string,
    init: { body?: string; query?: Record<string, string> } = {},
  ) => {
    const query = init.query ? `?${new URLSearchParams(init.query)}` : '';
    const res = await fetch(`${sim.url}${path}${query}`, {
      method,
      redirect: 'manual',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body,
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: pages and 5xx
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      location: res.headers.get('location'),
      text,
      json,
    };
  };
  return {
    sim,
    client,
    now: () => sim.ctx.clock.now(),
    oa: app('official-account'),
    mini: app('mini-program'),
    mobile: app('app'),
    send,
    get: (path, query) => send('GET', path, { query }),
    post: (path, body, query) =>
      send('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), query }),
    freshApps,
    advance: (seconds) => sim.ctx.clock.advance(seconds * 1000),
    async close() {
      await client.close();
      await sim.stop();
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
