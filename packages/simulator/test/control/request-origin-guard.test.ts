/**
 * The simulator on a developer's machine: pages of other sites must not reach its control API,
 * neither by DNS rebinding (a hostile name resolving to 127.0.0.1, so the browser sends that name
 * as `Host`) nor by cross-origin requests that need no preflight (a `text/plain` POST).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/index.js';

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request with any `Host` and browser headers (fetch would not send a foreign Host). */
function send(
  sim: RunningSimulator,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const target = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: target.host, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('Host check (DNS rebinding)', () => {
  let sim: RunningSimulator;
  let configPath: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    configPath = `/_sim/merchants/${sim.merchant.mchid}/config`;
  });
  afterAll(() => sim?.stop());

  it('refuses a foreign Host with 403 and none of the keys', async () => {
    for (const host of ['evil.example', `evil.example:${new URL(sim.url).port}`, '127.0.0.1.evil.example']) {
      const answer = await send(sim, { path: configPath, headers: { host } });
      expect(answer.status, host).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'HOST_NOT_ALLOWED' });
      expect(answer.text).not.toContain(sim.merchant.apiKey);
      expect(answer.text).not.toContain('PRIVATE KEY');
    }
  });

  it('refuses a foreign Host on the WeChat API paths and pages too', async () => {
    const host = { host: 'rebind.attacker.test' };
    expect((await send(sim, { path: '/_sim/console', headers: host })).status).toBe(403);
    expect(
      (await send(sim, { method: 'POST', path: '/pay/orderquery', headers: host, body: '<xml/>' })).status,
    ).toBe(403);
    expect(
      (await send(sim, { path: '/cgi-bin/token?grant_type=client_credential', headers: host })).status,
    ).toBe(403);
  });

  it('answers loopback names and addresses on any port', async () => {
    const port = new URL(sim.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      '127.0.0.2:80',
      `[::1]:${port}`,
      'app.localhost:1',
    ]) {
      const answer = await send(sim, { path: configPath, headers: { host } });
      expect(answer.status, host).toBe(200);
      expect(JSON.parse(answer.text).apiKey).toBe(sim.merchant.apiKey);
    }
  });

  it("answers WeChat's own API hosts (a hosts entry pointing at the simulator)", async () => {
    for (const host of ['api.mch.weixin.qq.com', 'api.weixin.qq.com:443', 'open.weixin.qq.com']) {
      const answer = await send(sim, {
        path: '/v3/certificates',
        headers: { host, accept: 'application/json', 'user-agent': 'host-check-test' },
      });
      expect(answer.status, host).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'SIGN_ERROR' });
    }
  });

  it('answers the host of --public-url and of allowedHosts, and nothing more', async () => {
    const own = await startSimulator({
      port: 0,
      publicUrl: 'http://wxpay-sim.internal:3100',
      allowedHosts: ['simulator'],
    });
    try {
      const path = `/_sim/merchants/${own.merchant.mchid}/config`;
      expect((await send(own, { path, headers: { host: 'wxpay-sim.internal:3100' } })).status).toBe(200);
      expect((await send(own, { path, headers: { host: 'simulator:3100' } })).status).toBe(200);
      expect((await send(own, { path, headers: { host: 'other.internal:3100' } })).status).toBe(403);
    } finally {
      await own.stop();
    }
  });
});

describe('cross-origin requests to the control API', () => {
  let sim: RunningSimulator;
  let origin: string;
  const foreign = {
    origin: 'http://evil.example',
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'no-cors',
  };
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    origin = new URL(sim.url).origin;
  });
  afterAll(() => sim?.stop());

  it('refuses a text/plain POST from another origin and leaves the clock alone', async () => {
    const before = sim.ctx.clock.now();
    const answer = await send(sim, {
      method: 'POST',
      path: '/_sim/clock/advance',
      headers: { ...foreign, 'content-type': 'text/plain' },
      body: JSON.stringify({ hours: 2 }),
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'CROSS_ORIGIN_REFUSED' });
    expect(sim.ctx.clock.now() - before).toBeLessThan(60_000);
  });

  it('refuses to pay an order for another origin; the order stays unpaid', async () => {
    const { trade } = sim.ctx.trades.create({
      mchid: sim.merchant.mchid,
      appid: sim.merchant.appid,
      apiVersion: 'v3',
      tradeType: 'NATIVE',
      outTradeNo: `XO${Date.now()}`,
      description: 'cross-origin',
      totalFen: 1,
      notifyUrl: 'http://127.0.0.1:9/notify',
    });
    const answer = await send(sim, {
      method: 'POST',
      path: `/_sim/orders/${trade.outTradeNo}/pay`,
      headers: { ...foreign, 'content-type': 'text/plain' },
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(answer.status).toBe(403);
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: trade.outTradeNo })?.state).toBe('NOTPAY');
  });

  it('refuses a cross-site read without Origin, an Origin of null, and a same-site one', async () => {
    const path = `/_sim/merchants/${sim.merchant.mchid}/config`;
    const noOrigin = await send(sim, {
      path,
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    });
    expect(noOrigin.status).toBe(403);
    expect((await send(sim, { path, headers: { origin: 'null' } })).status).toBe(403);
    const sameSite = await send(sim, {
      path,
      headers: { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' },
    });
    expect(sameSite.status).toBe(403);
  });

  it("answers the simulator's own pages, tools without a browser, and links from other sites", async () => {
    const path = `/_sim/merchants/${sim.merchant.mchid}/config`;
    const own = await send(sim, {
      path,
      headers: { origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
    });
    expect(own.status).toBe(200);
    expect((await send(sim, { path })).status).toBe(200);
    const link = await send(sim, {
      path: '/_sim/phone?code_url=weixin%3A%2F%2Fwxpay%2Fbizpayurl%3Fpr%3Dx',
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    });
    expect(link.status).toBe(200);
    expect(link.text).toContain('<!doctype html>');
  });

  it('keeps the stand-in bridge and its pay-request checks open to any origin', async () => {
    const script = await send(sim, { path: '/_sim/jsbridge.js', headers: foreign });
    expect(script.status).toBe(200);
    expect(script.headers['access-control-allow-origin']).toBe('*');
    const preflight = await send(sim, {
      method: 'OPTIONS',
      path: '/_sim/pay-requests/verify',
      headers: { ...foreign, 'access-control-request-method': 'POST', 'sec-fetch-mode': 'cors' },
    });
    expect(preflight.status).toBe(204);
    const verify = await send(sim, {
      method: 'POST',
      path: '/_sim/pay-requests/verify',
      headers: { ...foreign, 'sec-fetch-mode': 'cors', 'content-type': 'application/json' },
      body: JSON.stringify({ package: 'prepay_id=wx_unknown' }),
    });
    expect(verify.status).toBe(400);
    expect(JSON.parse(verify.text)).toMatchObject({ error: 'MISSING_PARAMETER' });
  });

  it('keeps the stand-in wx.config check open to any origin, answering valid or not and no ticket', async () => {
    const path = '/_sim/platform/jssdk/verify';
    const preflight = await send(sim, {
      method: 'OPTIONS',
      path,
      headers: {
        ...foreign,
        'access-control-request-method': 'POST',
        'access-control-request-private-network': 'true',
        'sec-fetch-mode': 'cors',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-private-network']).toBe('true');
    const config = {
      appId: sim.merchant.appid,
      timestamp: 1700000000,
      nonceStr: 'n0nce',
      signature: 'f'.repeat(40),
      url: 'http://shop.example/pay',
    };
    const verify = await send(sim, {
      method: 'POST',
      path,
      headers: { ...foreign, 'sec-fetch-mode': 'cors', 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    expect(verify.status).toBe(200);
    expect(verify.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(verify.text)).toMatchObject({ valid: false });
    // the rest of /_sim/platform stays closed to other origins
    const code = await send(sim, {
      method: 'POST',
      path: '/_sim/platform/oauth-code',
      headers: { ...foreign, 'sec-fetch-mode': 'cors', 'content-type': 'application/json' },
      body: JSON.stringify({ appid: sim.merchant.appid, user: 'alice' }),
    });
    expect(code.status).toBe(403);
  });
});
