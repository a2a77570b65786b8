import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { V3Client, type V3Notification } from '@wechatpay-kit/sdk';
import type { SimMerchantConfig } from '../../../src/index.js';

/**
 * Our SDK's v3 client configured for a simulated merchant, exactly as a merchant would configure it.
 * `now` is for tests that move the simulated clock: signatures must then be fresh in simulated time.
 */
export function v3ClientFor(merchant: SimMerchantConfig, baseUrl: string, now?: () => number): V3Client {
  return new V3Client({
    mchid: merchant.mchid,
    serialNo: merchant.serialNo,
    privateKey: merchant.privateKeyPem,
    apiV3Key: merchant.apiV3Key,
    baseUrl,
    retry: false,
    ...(now ? { now } : {}),
    verification:
      merchant.v3SigningMode === 'public-key'
        ? { mode: 'public-key', publicKeyId: merchant.publicKeyId, publicKey: merchant.publicKeyPem }
        : { mode: 'certificates', refreshIntervalMs: 0 },
  });
}

/** What the merchant's notify endpoint saw: verified events, and refusals with the reason. */
export interface NotifyReceiver {
  url: string;
  verified: V3Notification[];
  rejected: string[];
  /** `fail`: answer every callback 500 `{code: FAIL}` (a merchant that is down), verified or not. */
  answer: 'ack' | 'fail';
  /** Resolves with the first verified event of this type (and order), a real HTTP POST from the simulator. */
  next(eventType: string, outTradeNo?: string): Promise<V3Notification>;
  close(): Promise<void>;
}

/**
 * A merchant's v3 notify endpoint on node:http: verifies every callback with our SDK over the raw
 * bytes and ACKs (204) only what verified, answering 500 `{code: FAIL}` otherwise, as a careful
 * merchant does.
 */
export async function startNotifyReceiver(client: V3Client): Promise<NotifyReceiver> {
  const verified: V3Notification[] = [];
  const rejected: string[] = [];
  const waiters: Array<{ matches: (n: V3Notification) => boolean; resolve: (n: V3Notification) => void }> =
    [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      client.notifications.parse(req.headers, Buffer.concat(chunks)).then(
        (notification) => {
          if (receiver.answer === 'fail') {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 'FAIL', message: 'merchant is down' }));
            return;
          }
          verified.push(notification);
          res.writeHead(204).end();
          for (const waiter of waiters.filter((w) => w.matches(notification))) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(notification);
          }
        },
        (error: Error) => {
          rejected.push(error.message);
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'FAIL', message: 'verification failed' }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: NotifyReceiver = {
    answer: 'ack',
    url: `http://127.0.0.1:${port}/api/notify/v3`,
    verified,
    rejected,
    next(eventType, outTradeNo) {
      const matches = (n: V3Notification) =>
        n.event_type === eventType && (outTradeNo === undefined || n.resource.out_trade_no === outTradeNo);
      const seen = verified.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

let sequence = 0;

/** A fresh `out_trade_no` within WeChat's alphabet and length. */
export function outTradeNo(prefix = 'CTL'): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence}`.slice(0, 32);
}
