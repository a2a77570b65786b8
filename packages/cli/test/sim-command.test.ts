import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V2Client, V3Client } from '@wechatpay-kit/sdk';
import type { SimMerchantConfig } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { type SimProcess, startSimProcess } from './support/sim-process.js';

describe('wxpay sim (a real simulator process) and wxpay sim pay', () => {
  let dataDir: string;
  let sim: SimProcess;
  let merchant: SimMerchantConfig;
  let client: V3Client;
  let sequence = 0;

  const newOrder = async (total = 100) => {
    sequence += 1;
    const outTradeNo = `CLI${Date.now().toString(36)}${sequence}`;
    const { code_url } = await client.transactions.native({
      appid: merchant.appid,
      description: 'CLI 测试',
      out_trade_no: outTradeNo,
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total },
    });
    return { outTradeNo, codeUrl: code_url };
  };
  const pay = (args: string[], env: Record<string, string> = { SIM_URL: sim.url }) =>
    runCli(['sim', 'pay', ...args], { env });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wxpay-sim-cli-'));
    sim = await startSimProcess(['--port', '0', '--data-dir', dataDir]);
    merchant = JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8'));
    // The exported options are the SDK's own: passed through unchanged.
    const options = JSON.parse(readFileSync(join(dataDir, 'merchant', 'v3-client-options.json'), 'utf8'));
    client = new V3Client({ ...options, retry: false });
  });
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints its real URL for --port 0, the pages and where the merchant config went', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url).not.toMatch(/:0$/);
    const out = sim.stdout();
    expect(out).toContain(`${sim.url}/_sim/phone`);
    expect(out).toContain(`${sim.url}/_sim/console`);
    expect(out).toContain(join('merchant', 'merchant.json'));
    expect(out).toContain(join('merchant', 'v3-client-options.json'));
    expect(out).toContain(join('merchant', 'service.env'));
    expect(merchant.baseUrl).toBe(sim.url);
  });

  it('exports V2Client options that work as they are', async () => {
    const options = JSON.parse(readFileSync(join(dataDir, 'merchant', 'v2-client-options.json'), 'utf8'));
    expect(options).toMatchObject({ appid: merchant.appid, mchid: merchant.mchid, baseUrl: sim.url });
    const v2 = new V2Client(options);
    try {
      const answer = await v2.unifiedOrder({
        body: 'CLI v2',
        out_trade_no: `CLIV2${Date.now().toString(36)}`,
        total_fee: 1,
        spbill_create_ip: '127.0.0.1',
        notify_url: 'http://127.0.0.1:9/notify',
        trade_type: 'NATIVE',
        product_id: 'p1',
      });
      expect(answer.code_url).toMatch(/^weixin:\/\//);
    } finally {
      await v2.close();
    }
  });

  it('pays an order by out_trade_no as alice; the SDK then sees it paid', async () => {
    const order = await newOrder(1234);
    const run = await pay([order.outTradeNo, '--user', 'alice']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.lastLine).toMatch(/^SUCCESS 4200\d{24}$/);
    expect(run.stdout).toContain('¥12.34');
    expect(run.stdout).toContain('paid by simulated user alice');
    const paid = await client.transactions.queryByOutTradeNo(order.outTradeNo);
    expect(paid.trade_state).toBe('SUCCESS');
    expect(run.lastLine).toBe(`SUCCESS ${paid.transaction_id}`);
  });

  it('pays by code_url as the user with an --openid, reaching the simulator through SIM_PORT', async () => {
    const order = await newOrder();
    const users = (await (await fetch(`${sim.url}/_sim/users?appid=${merchant.appid}`)).json()) as {
      id: string;
      openid: string;
    }[];
    const bob = users.find((u) => u.id === 'bob')!;
    const port = new URL(sim.url).port;
    const run = await pay([order.codeUrl, '--openid', bob.openid], { SIM_PORT: port });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('paid by simulated user bob');
    const paid = await client.transactions.queryByOutTradeNo(order.outTradeNo);
    expect(paid.payer?.openid).toBe(bob.openid);
  });

  it('--fail makes the bank decline: PAYERROR on the last line', async () => {
    const order = await newOrder();
    const run = await pay([order.outTradeNo, '--fail']);
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('PAYERROR');
    expect((await client.transactions.queryByOutTradeNo(order.outTradeNo)).trade_state).toBe('PAYERROR');
  });

  it.each([
    ['an unknown order', ['NO_SUCH_ORDER'], 'order NO_SUCH_ORDER not found (NOT_FOUND)'],
    ['an unknown user', ['__ORDER__', '--user', 'mallory'], 'simulated user mallory not found (NOT_FOUND)'],
  ])('exits 1 with one line for %s', async (_what, args, message) => {
    const order = await newOrder();
    const run = await pay(args.map((a) => (a === '__ORDER__' ? order.outTradeNo : a)));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([`wxpay: ${message}`]);
  });

  it('exits 1 for an order already paid, or closed by the merchant', async () => {
    const paidOrder = await newOrder();
    expect((await pay([paidOrder.outTradeNo])).code).toBe(0);
    const again = await pay([paidOrder.outTradeNo]);
    expect(again.code).toBe(1);
    expect(again.errorLines).toEqual(['wxpay: 订单已支付 (ORDER_PAID)']);

    const closedOrder = await newOrder();
    await client.transactions.close(closedOrder.outTradeNo);
    const closed = await pay([closedOrder.outTradeNo, '--user', 'bob']);
    expect(closed.code).toBe(1);
    expect(closed.errorLines).toEqual(['wxpay: 订单已关闭 (ORDER_CLOSED)']);
  });

  it.each([
    ['no order', [], 'missing the order'],
    ['both --user and --openid', ['X', '--user', 'a', '--openid', 'o'], 'give --openid or --user, not both'],
    ['two orders', ['X', 'Y'], 'too many arguments'],
    ['an unknown option', ['X', '--payer', 'a'], 'unknown option --payer'],
  ])('exits 2 for %s', async (_what, args, message) => {
    const run = await pay(args);
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([expect.stringContaining(message)]);
  });

  it('exits 1 naming the URL when no simulator answers', async () => {
    const run = await pay(['X'], { SIM_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.errorLines).toEqual([
      expect.stringContaining('cannot reach the simulator at http://127.0.0.1:1'),
    ]);
  });

  it('sim miniprogram logs in at the simulator, then exits 1 naming the service when none answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const service = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await runCli(['sim', 'miniprogram', '--product', 'P1', '--service', service], {
      env: { SIM_URL: sim.url },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([`wxpay: cannot reach the payment service at ${service} (ECONNREFUSED)`]);
  });

  it.each([
    ['no product', [], 'missing --product ID'],
    [
      'both --cancel and --fail',
      ['--product', 'P1', '--cancel', '--fail'],
      'give --cancel or --fail, not both',
    ],
    ['an order reference', ['ORDER1', '--product', 'P1'], 'takes options only'],
  ])('sim miniprogram exits 2 for %s', async (_what, args, message) => {
    const run = await runCli(['sim', 'miniprogram', ...args], { env: { SIM_URL: sim.url } });
    expect(run.code).toBe(2);
    expect(run.errorLines).toEqual([expect.stringContaining(message)]);
  });

  it('starts with the faults given by --fault and --notify-faults, visible to clients', async () => {
    const faulty = await startSimProcess([
      '--port',
      '0',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'wxpay-sim-faults-')),
      '--fault',
      'v3.transactions.native=SYSTEMERROR,v2.*=SLOW:0.5',
      '--notify-faults',
      'drop=0.25,delay=2000@0.5,reorder',
    ]);
    try {
      const faults = (await (await fetch(`${faulty.url}/_sim/faults`)).json()) as {
        api: unknown[];
        notify: Record<string, unknown>;
      };
      expect(faults.api).toEqual([
        { api: 'v3.transactions.native', kind: 'SYSTEMERROR' },
        { api: 'v2.*', kind: 'SLOW', probability: 0.5 },
      ]);
      expect(faults.notify).toMatchObject({
        dropProbability: 0.25,
        delayMs: 2000,
        delayProbability: 0.5,
        reorder: true,
      });
      const answer = await fetch(`${faulty.url}/v3/pay/transactions/native`, { method: 'POST' });
      // the fault gate runs after authentication: an unsigned call is still refused as unsigned
      expect(answer.status).toBe(401);
    } finally {
      await faulty.stop();
    }
  });

  it('refuses malformed fault options with exit 2', async () => {
    const bad = await runCli(['sim', '--port', '0', '--fault', 'v3.*=EXPLODE']);
    expect(bad.code).toBe(2);
    expect(bad.errorLines).toEqual([expect.stringContaining('--fault kind EXPLODE')]);
    const badNotify = await runCli(['sim', '--port', '0', '--notify-faults', 'drop=2']);
    expect(badNotify.code).toBe(2);
    expect(badNotify.errorLines).toEqual([expect.stringContaining('probability between 0 and 1')]);
  });

  it('refuses a bad port and an unknown subcommand with exit 2', async () => {
    const badPort = await runCli(['sim', '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.errorLines).toEqual([expect.stringContaining('--port must be a port number')]);
    const unknown = await runCli(['sim', 'refund']);
    expect(unknown.code).toBe(2);
    expect(unknown.errorLines).toEqual([expect.stringContaining('unknown sim subcommand "refund"')]);
  });

  it('--https prints the local CA, and a client trusting it via NODE_EXTRA_CA_CERTS reaches it over TLS', async () => {
    const httpsDir = mkdtempSync(join(tmpdir(), 'wxpay-sim-https-'));
    const secure = await startSimProcess(['--port', '0', '--https', '--data-dir', httpsDir]);
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const hint = /export NODE_EXTRA_CA_CERTS=(\S+)/.exec(secure.stdout());
      expect(hint?.[1]).toBe(join(httpsDir, 'ca-cert.pem'));
      const config: SimMerchantConfig = JSON.parse(
        readFileSync(join(httpsDir, 'merchant', 'merchant.json'), 'utf8'),
      );
      const direct = await fetch(`${secure.url}/_sim/health`).catch((error: Error) => error);
      expect(direct).toBeInstanceOf(Error); // this test process does not trust the local CA

      const untrusted = await pay(['NO_SUCH_ORDER'], { SIM_URL: secure.url });
      expect(untrusted.errorLines).toEqual([expect.stringContaining('cannot reach the simulator')]);
      expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
      const trusted = await pay(['NO_SUCH_ORDER'], { SIM_URL: secure.url, NODE_EXTRA_CA_CERTS: hint![1]! });
      expect(trusted.errorLines).toEqual(['wxpay: order NO_SUCH_ORDER not found (NOT_FOUND)']);
      expect(config.baseUrl).toBe(secure.url);
    } finally {
      expect(await secure.stop()).toBe(0);
      rmSync(httpsDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM and comes back with the same merchant and orders', async () => {
    const order = await newOrder(777);
    expect(await sim.stop('SIGTERM')).toBe(0);
    expect(sim.stdout()).toContain('simulator stopped (SIGTERM)');

    sim = await startSimProcess(['--port', '0', '--data-dir', dataDir]);
    const again: SimMerchantConfig = JSON.parse(
      readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8'),
    );
    expect(again).toMatchObject({
      mchid: merchant.mchid,
      serialNo: merchant.serialNo,
      apiV3Key: merchant.apiV3Key,
    });
    const run = await pay([order.outTradeNo]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('¥7.77');
    expect(run.lastLine).toMatch(/^SUCCESS 4200/);
  });
});
