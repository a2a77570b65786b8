import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndiciHttpClient } from '../../src/core/http-client.js';
import { DEFAULT_RETRY, withRetry } from '../../src/core/retry.js';
import { WechatPayApiError, WechatPayTransportError } from '../../src/errors.js';

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return; // never answers
    if (req.url === '/big') {
      res.end(Buffer.alloc(4096, 0x61));
      return;
    }
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('x-echo-method', req.method ?? '');
      res.end(`${req.url}|${body}`);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('UndiciHttpClient', () => {
  it('sends method, body and returns status, lower-case headers and bytes', async () => {
    const http = new UndiciHttpClient();
    const res = await http.request({ method: 'POST', url: `${base}/echo?x=1`, body: 'hello' });
    expect(res.status).toBe(200);
    expect(res.headers['x-echo-method']).toBe('POST');
    expect(res.body.toString()).toBe('/echo?x=1|hello');
    await http.close();
  });

  it('reuses keep-alive connections for sequential calls', async () => {
    const http = new UndiciHttpClient();
    const before = connections;
    for (let i = 0; i < 20; i++) await http.request({ method: 'GET', url: `${base}/n${i}` });
    // undici may open a second socket while the first is being released; never one per call.
    expect(connections - before).toBeLessThanOrEqual(2);
    await http.close();
  });

  it('turns a silent server into a timed-out transport error without the query string', async () => {
    const http = new UndiciHttpClient({ timeoutMs: 200 });
    const err = await http
      .request({ method: 'GET', url: `${base}/hang?secret=s3cr3t` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayTransportError);
    expect((err as WechatPayTransportError).timedOut).toBe(true);
    expect((err as WechatPayTransportError).url).toBe(`${base}/hang`);
    expect((err as Error).message).not.toContain('s3cr3t');
    await http.close();
  });

  it('refuses answers over the size cap', async () => {
    const http = new UndiciHttpClient({ maxResponseBytes: 1024 });
    await expect(http.request({ method: 'GET', url: `${base}/big` })).rejects.toThrow(
      /larger than 1024 bytes/,
    );
    await http.close();
  });

  it('reports a refused connection as a transport error', async () => {
    const http = new UndiciHttpClient({ timeoutMs: 2000 });
    await expect(http.request({ method: 'GET', url: 'http://127.0.0.1:1/' })).rejects.toBeInstanceOf(
      WechatPayTransportError,
    );
    await http.close();
  });
});

describe('withRetry', () => {
  const fast = { ...DEFAULT_RETRY, baseDelayMs: 1 };

  it('retries transport errors and WeChat SYSTEMERROR, then succeeds', async () => {
    let calls = 0;
    const result = await withRetry(fast, async () => {
      calls++;
      if (calls === 1) throw new WechatPayTransportError('reset', { method: 'GET', url: base });
      if (calls === 2) throw new WechatPayApiError('busy', { code: 'SYSTEMERROR' });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry a business error and gives up after the budget', async () => {
    let calls = 0;
    await expect(
      withRetry(fast, async () => {
        calls++;
        throw new WechatPayApiError('paid', { code: 'ORDERPAID' });
      }),
    ).rejects.toThrow('paid');
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      withRetry(fast, async () => {
        calls++;
        throw new WechatPayApiError('down', { code: 'SYSTEM_ERROR', status: 500 });
      }),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
  });
});
