import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  PublicKeyStore,
  parseV2PaymentNotification,
  parseV2RefundNotification,
  V3NotificationParser,
  v2NotificationAck,
} from '@wechatpay-kit/sdk';
import type { SimMerchantConfig } from '../../../src/index.js';

/** How the merchant answers the next callbacks. */
export type MerchantAnswer = 'ack' | 'http-500' | 'return-fail' | 'wrong-body' | 'hang';

/** One callback as it arrived, with what our SDK made of it. */
export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The SDK's verified and decoded notification; absent when verification failed. */
  parsed?: unknown;
  /** Why the SDK refused it. */
  rejected?: string;
}

/**
 * A merchant's notify endpoint on loopback that checks every callback with the SDK, exactly as a
 * merchant would: `/v2/pay` with `parseV2PaymentNotification`, `/v2/refund` with
 * `parseV2RefundNotification`, `/v3` with `V3NotificationParser` in public-key mode.
 */
export class MerchantEndpoint {
  readonly received: ReceivedCallback[] = [];
  answer: MerchantAnswer = 'ack';
  readonly #server: Server;
  readonly #merchant: SimMerchantConfig;
  readonly #parser: V3NotificationParser;
  readonly #hanging = new Set<ServerResponse>();
  #port = 0;

  private constructor(merchant: SimMerchantConfig, now: () => number) {
    this.#merchant = merchant;
    this.#parser = new V3NotificationParser({
      apiV3Key: merchant.apiV3Key,
      keys: new PublicKeyStore(merchant.publicKeyId, merchant.publicKeyPem),
      mchid: merchant.mchid,
      now,
    });
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void this.#handle(req.url ?? '', req.headers, Buffer.concat(chunks), res));
    });
  }

  /**
   * `now` is the merchant's clock, real time like any merchant's: the simulator signs on real time
   * however far its own clock was advanced.
   */
  static async start(merchant: SimMerchantConfig, now: () => number = Date.now): Promise<MerchantEndpoint> {
    const endpoint = new MerchantEndpoint(merchant, now);
    await endpoint.up();
    return endpoint;
  }

  url(path: '/v2/pay' | '/v2/refund' | '/v3'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Stops listening: the next callbacks find the connection refused. */
  async down(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again, on the same port after a `down()`. */
  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.down();
  }

  async #handle(
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const callback: ReceivedCallback = { path, headers, body };
    try {
      if (path === '/v2/pay') callback.parsed = parseV2PaymentNotification(body, this.#merchant.apiKey);
      else if (path === '/v2/refund')
        callback.parsed = parseV2RefundNotification(body, this.#merchant.apiKey);
      else callback.parsed = await this.#parser.parse(headers, body);
    } catch (err) {
      callback.rejected = err instanceof Error ? err.message : String(err);
    }
    this.received.push(callback);
    const v2 = path.startsWith('/v2');
    if (this.answer === 'hang') {
      this.#hanging.add(res);
    } else if (callback.rejected || this.answer === 'http-500') {
      res.writeHead(500, { 'content-type': v2 ? 'text/xml' : 'application/json' });
      res.end(v2 ? v2NotificationAck(false, 'verification failed') : '{"code":"FAIL","message":"失败"}');
    } else if (this.answer === 'return-fail') {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(v2NotificationAck(false, '处理失败'));
    } else if (this.answer === 'wrong-body') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
    } else if (v2) {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(v2NotificationAck(true));
    } else {
      res.writeHead(204).end();
    }
  }
}
