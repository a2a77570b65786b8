/**
 * `wxpay sim miniprogram` against `wxpay start` (the real payment service and simulator, each a
 * real process): the whole mini-program purchase — wx.login, service login, MINIPROGRAM order,
 * wx.requestPayment — checked at the service and at the simulator afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { type DemoProcess, startDemoProcess } from './support/sim-process.js';

describe('wxpay sim miniprogram against wxpay start', () => {
  let dataDir: string;
  let demo: DemoProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wxpay-miniprogram-'));
    demo = await startDemoProcess({ PORT: '0', SIM_PORT: '0', DATA_DIR: dataDir, WECHATPAY_MCHID: '' });
  });
  afterAll(async () => {
    await demo?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const play = (args: string[]) =>
    runCli(['sim', 'miniprogram', '--service', demo.serviceUrl, ...args], {
      env: { SIM_URL: demo.simulatorUrl },
    });
  const json = async (url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the tests read answers field by field
    return (await res.json()) as Record<string, any>;
  };
  const orderNoOf = (lastLine: string) => lastLine.split(' ').at(-1)!;

  it('pays a v3 order as bob: requestPayment:ok, PAID at the service, SUCCESS by bob at WeChat', async () => {
    const run = await play(['--product', 'demo-coffee', '--user', 'bob']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lastLine).toMatch(/^requestPayment:ok \S+$/);
    const orderNo = orderNoOf(run.lastLine);

    await expect
      .poll(async () => (await json(`${demo.serviceUrl}/api/orders/${orderNo}`)).state, { timeout: 15_000 })
      .toBe('PAID');
    expect(await json(`${demo.serviceUrl}/api/orders/${orderNo}`)).toMatchObject({
      payType: 'MINIPROGRAM',
      apiVersion: 'v3',
    });
    const { order } = await json(`${demo.simulatorUrl}/_sim/orders/${orderNo}`);
    expect(order).toMatchObject({ state: 'SUCCESS', payerUser: 'bob', apiVersion: 'v3' });
  });

  it('--v2 --cancel: requestPayment:fail cancel and the order stays unpaid on both sides', async () => {
    const run = await play(['--product', 'demo-tea', '--v2', '--cancel']);
    expect(run.code).toBe(0);
    expect(run.lastLine).toMatch(/^requestPayment:fail cancel \S+$/);
    const orderNo = orderNoOf(run.lastLine);
    expect(await json(`${demo.serviceUrl}/api/orders/${orderNo}`)).toMatchObject({
      state: 'NOTPAY',
      payType: 'MINIPROGRAM',
      apiVersion: 'v2',
    });
    expect((await json(`${demo.simulatorUrl}/_sim/orders/${orderNo}`)).order.state).toBe('NOTPAY');
  });

  it('exits 1 with the service’s refusal for an unknown product', async () => {
    const run = await play(['--product', 'no-such-product']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([
      expect.stringMatching(/^wxpay: \/api\/orders answered HTTP 404: PRODUCT_NOT_FOUND/),
    ]);
  });
});
