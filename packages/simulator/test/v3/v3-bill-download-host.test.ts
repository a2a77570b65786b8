/**
 * `download_url` names the host the client called. A client with WeChat's host hard-coded (a hosts
 * entry pointing at the simulator) removes `https://api.mch.weixin.qq.com` from a URL before signing
 * it; a link naming the listen address instead would make it sign the whole URL and get 401.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { V3RequestSigner } from '@wechatpay-kit/sdk';
import { nonceStr } from '@wechatpay-kit/sdk/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/index.js';

const OFFICIAL = 'https://api.mch.weixin.qq.com';
const DAY = 24 * 3600_000;

interface Answer {
  status: number;
  text: string;
}

/** A signed GET of `path`, sent to the simulator's port with the given `Host` (and TLS name). */
function signedGet(sim: RunningSimulator, path: string, host: string): Promise<Answer> {
  const signer = new V3RequestSigner({
    mchid: sim.merchant.mchid,
    serialNo: sim.merchant.serialNo,
    privateKey: sim.merchant.privateKeyPem,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const target = new URL(sim.url);
  const options = {
    host: target.hostname,
    port: target.port,
    method: 'GET',
    path,
    agent: false,
    headers: {
      host,
      accept: 'application/json',
      'user-agent': 'hard-coded-host-client',
      authorization: signer.authorization('GET', path, '', timestamp, nonceStr()),
    },
  } as const;
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest({ ...options, servername: host.split(':')[0], ca: [sim.caCertificatePem!] }, done)
        : httpRequest(options, done);
    req.on('error', reject);
    req.end();
  });
}

/** A paid order today, and the clock moved to when its bill is ready; answers the bill date. */
function billDay(sim: RunningSimulator): string {
  const { trade } = sim.ctx.trades.create({
    mchid: sim.merchant.mchid,
    appid: sim.merchant.appid,
    apiVersion: 'v3',
    tradeType: 'NATIVE',
    outTradeNo: `BILLHOST${Date.now()}`,
    description: 'bill host',
    totalFen: 100,
    notifyUrl: 'http://127.0.0.1:9/notify',
  });
  sim.ctx.trades.pay(trade, 'alice');
  const date = new Date(trade.paidAt! + 8 * 3600_000).toISOString().slice(0, 10);
  sim.ctx.clock.advance(Date.parse(`${date}T10:00:00+08:00`) + DAY - sim.ctx.clock.now() + 60_000);
  return date;
}

describe('v3 bill download_url follows the host the client called', () => {
  let https: RunningSimulator;
  let http: RunningSimulator;
  beforeAll(async () => {
    [https, http] = await Promise.all([
      startSimulator({ port: 0, https: true }),
      startSimulator({ port: 0 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([https?.stop(), http?.stop()]);
  });

  it('HTTPS under api.mch.weixin.qq.com: a host-stripping client signs the download and gets the bill', async () => {
    const date = billDay(https);
    const applied = await signedGet(
      https,
      `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL`,
      'api.mch.weixin.qq.com',
    );
    expect(applied.status).toBe(200);
    const { download_url: url } = JSON.parse(applied.text) as { download_url: string };
    expect(url).toMatch(/^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/billdownload\/file\?token=/);
    const download = await signedGet(https, url.replace(OFFICIAL, ''), 'api.mch.weixin.qq.com');
    expect(download.status, download.text).toBe(200);
    expect(download.text.split('\r\n')[0]).toMatch(/^交易时间,/);
  });

  it('HTTP under localhost: the link names localhost and its port, not the listen address', async () => {
    const date = billDay(http);
    const host = `localhost:${new URL(http.url).port}`;
    const applied = await signedGet(http, `/v3/bill/fundflowbill?bill_date=${date}`, host);
    expect(applied.status).toBe(200);
    const { download_url: url } = JSON.parse(applied.text) as { download_url: string };
    expect(new URL(url).origin).toBe(`http://${host}`);
    const download = await signedGet(http, url.slice(`http://${host}`.length), host);
    expect(download.status).toBe(200);
    expect(download.text.split('\r\n')[0]).toMatch(/^记账时间,/);
  });
});
