import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPaymentCode, parseV2PaymentNotification, V3Client, type V3Notification } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from './support/run-cli.js';
import { type SimProcess, startSimProcess } from './support/sim-process.js';

/** What the developer's handler saw: only notifications that verified, by the SDK. */
interface Received {
  path: string;
  v3?: V3Notification;
  v2OutTradeNo?: string;
  v2TotalFee?: number;
}

describe('wxpay trigger and the simulator notification tools, against your own handler', () => {
  let dataDir: string;
  let sim: SimProcess;
  let v3: V3Client;
  let apiKey: string;
  let handler: Server;
  let handlerUrl: string;
  let answer500 = false;
  let answerAfterMs = 0;
  const received: Received[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wxpay-trigger-'));
    sim = await startSimProcess(['--port', '0', '--data-dir', dataDir]);
    const merchantDir = join(dataDir, 'merchant');
    v3 = new V3Client(JSON.parse(readFileSync(join(merchantDir, 'v3-client-options.json'), 'utf8')));
    apiKey = JSON.parse(readFileSync(join(merchantDir, 'v2-client-options.json'), 'utf8')).apiKey;
    handler = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      try {
        if (request.url === '/v2') {
          const n = parseV2PaymentNotification(body, apiKey);
          received.push({ path: '/v2', v2OutTradeNo: n.out_trade_no, v2TotalFee: n.total_fee });
          response.writeHead(200, { 'content-type': 'text/xml' });
          response.end('<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>');
          return;
        }
        received.push({ path: request.url ?? '', v3: await v3.notifications.parse(request.headers, body) });
        if (answerAfterMs > 0) await new Promise((later) => setTimeout(later, answerAfterMs));
        if (answer500) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"code":"FAIL","message":"database down"}');
        } else {
          response.writeHead(204).end();
        }
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"code":"FAIL","message":"not verified"}');
      }
    });
    await new Promise<void>((listening) => handler.listen(0, '127.0.0.1', listening));
    handlerUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => handler?.close(closed));
    await v3?.close();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    received.length = 0;
    answer500 = false;
    answerAfterMs = 0;
  });
  const trigger = (args: string[]) => runCli(['trigger', ...args], { env: { SIM_URL: sim.url } });

  it('payment.success: a verified TRANSACTION.SUCCESS for the order asked for, and the ACK', async () => {
    const run = await trigger([
      'payment.success',
      '--to',
      `${handlerUrl}/v3`,
      '--out-trade-no',
      'TRIGGER0001',
      '--amount',
      '990',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('TRANSACTION.SUCCESS');
    expect(run.stdout).toContain('HTTP 204');
    expect(run.lastLine).toMatch(/^ACK/);
    expect(received).toHaveLength(1);
    const n = received[0]!.v3!;
    expect(n.event_type).toBe('TRANSACTION.SUCCESS');
    if (n.event_type !== 'TRANSACTION.SUCCESS') return;
    expect(n.resource).toMatchObject({
      out_trade_no: 'TRIGGER0001',
      trade_state: 'SUCCESS',
      amount: { total: 990 },
    });
  });

  it('payment.success.v2: the v2 XML, signed with the API key', async () => {
    const run = await trigger(['payment.success.v2', '--to', `${handlerUrl}/v2`, '--amount', '5']);
    expect(run.code, run.stderr).toBe(0);
    expect(received).toEqual([{ path: '/v2', v2OutTradeNo: expect.stringMatching(/^TRIG/), v2TotalFee: 5 }]);
  });

  it('refund.abnormal: only the refund notification reaches the handler', async () => {
    const run = await trigger(['refund.abnormal', '--to', `${handlerUrl}/v3`, '--amount', '300']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('REFUND.ABNORMAL');
    expect(received.map((r) => r.v3?.event_type)).toEqual(['REFUND.ABNORMAL']);
    const n = received[0]!.v3!;
    if (n.event_type === 'TRANSACTION.SUCCESS') throw new Error('a payment reached the handler');
    expect(n.resource).toMatchObject({ refund_status: 'ABNORMAL', amount: { refund: 300, total: 300 } });
  });

  it('a handler that fails: exit 1, WeChat would resend', async () => {
    answer500 = true;
    const run = await trigger(['refund.success', '--to', `${handlerUrl}/v3`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('HTTP 500');
    expect(run.stdout).toContain('database down');
    expect(run.lastLine).toMatch(/^not ACK/);
  });

  it('refuses a bad command line before touching the simulator', async () => {
    expect((await trigger(['payment.failed', '--to', handlerUrl])).code).toBe(2);
    expect((await trigger(['payment.success'])).code).toBe(2);
    expect((await trigger(['payment.success', '--to', handlerUrl, '--amount', '9.9'])).code).toBe(2);
  });

  it('wxpay sim pay reports the merchant’s acknowledgement before the final state line', async () => {
    const { code_url } = await v3.transactions.native({
      appid: JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8')).appid,
      description: 'sim pay ACK',
      out_trade_no: `SIMPAYACK${Date.now().toString(36)}`,
      notify_url: `${handlerUrl}/v3`,
      amount: { total: 1 },
    });
    const run = await runCli(['sim', 'pay', code_url!], { env: { SIM_URL: sim.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ACK: WeChat would count it as received');
    expect(run.lastLine).toMatch(/^SUCCESS \d+/);
  });
  const sim_ = (args: string[]) => runCli(['sim', ...args], { env: { SIM_URL: sim.url } });

  it('sim logs: one line per attempt with the event, order, URL, status and verdict', async () => {
    await trigger(['payment.success', '--to', `${handlerUrl}/v3`, '--out-trade-no', 'LOGS000001']);
    const run = await sim_(['logs', '--only', 'notifications']);
    expect(run.code, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.includes('LOGS000001'));
    expect(line).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z {2}TRANSACTION\.SUCCESS {2}LOGS000001 {2}→ http:\S+\/v3 {2}HTTP 204 {2}ACK$/,
    );
  });

  /** `wxpay sim logs --follow …` running in its own process, until `stop()` sends Ctrl+C. */
  const followLogs = (args: string[]) => {
    const child = spawn(process.execPath, [CLI_PATH, 'sim', 'logs', '--follow', ...args], {
      env: { ...process.env, SIM_URL: sim.url },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    return {
      output: () => out,
      async until(text: string) {
        const deadline = Date.now() + 8000;
        while (!out.includes(text) && Date.now() < deadline) await new Promise((t) => setTimeout(t, 100));
      },
      stop: () => {
        child.kill('SIGINT');
        return exited;
      },
    };
  };

  it('sim logs --follow prints new attempts as they happen, until Ctrl+C', async () => {
    const follow = followLogs(['--limit', '5']);
    try {
      await new Promise((started) => setTimeout(started, 700));
      await trigger(['payment.success', '--to', `${handlerUrl}/v3`, '--out-trade-no', 'FOLLOW00001']);
      await follow.until('FOLLOW00001');
      expect(follow.output()).toContain('FOLLOW00001');
    } finally {
      expect(await follow.stop()).toBe(0);
    }
  });

  it('sim logs shows an attempt once it is answered, not while the handler is still working', async () => {
    answerAfterMs = 1500;
    const follow = followLogs(['--only', 'notifications']);
    try {
      const sent = trigger(['payment.success', '--to', `${handlerUrl}/v3`, '--out-trade-no', 'SLOW000001']);
      while (received.length === 0) await new Promise((t) => setTimeout(t, 50));
      const whileWaiting = await sim_(['logs', '--only', 'notifications']);
      expect(whileWaiting.code, whileWaiting.stderr).toBe(0);
      expect(whileWaiting.stdout).not.toContain('SLOW000001');
      expect((await sent).code).toBe(0);
      const after = (await sim_(['logs', '--only', 'notifications'])).stdout
        .split('\n')
        .filter((l) => l.includes('SLOW000001'));
      expect(after).toHaveLength(1);
      expect(after[0]).toMatch(/HTTP 204 {2}ACK$/);
      await follow.until('SLOW000001');
      expect(
        follow
          .output()
          .split('\n')
          .filter((l) => l.includes('SLOW000001')),
      ).toEqual(after);
    } finally {
      expect(await follow.stop()).toBe(0);
    }
  });

  it('sim resend sends a notification again and prints the answer', async () => {
    await trigger(['payment.success', '--to', `${handlerUrl}/v3`, '--out-trade-no', 'RESEND00001']);
    const list = (await (await fetch(`${sim.url}/_sim/notifications?outTradeNo=RESEND00001`)).json()) as {
      id: string;
    }[];
    received.length = 0;
    const run = await sim_(['resend', list[0]!.id]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastLine).toMatch(/^ACK/);
    const again = received.filter((r) => JSON.stringify(r.v3).includes('RESEND00001'));
    expect(again.map((r) => r.v3?.event_type)).toEqual(['TRANSACTION.SUCCESS']);
  });

  it('sim clock shows and moves the business clock', async () => {
    const offsetOf = (text: string) => Number(/\((-?\d+) s ahead/.exec(text)?.[1]);
    const before = offsetOf((await sim_(['clock'])).stdout);
    const moved = await sim_(['clock', 'advance', '5m']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(offsetOf(moved.stdout) - before).toBe(300);
    expect((await sim_(['clock', 'advance', 'soon'])).code).toBe(2);
  });

  it('sim refund-settle ends a refund with the outcome asked for; its notification follows', async () => {
    const appid = JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8')).appid;
    const outTradeNo = `SETTLE${Date.now().toString(36)}`;
    const { code_url } = await v3.transactions.native({
      appid,
      description: 'refund-settle',
      out_trade_no: outTradeNo,
      notify_url: 'http://127.0.0.1:9/unused',
      amount: { total: 50 },
    });
    expect((await sim_(['pay', code_url!])).code).toBe(0);
    await v3.refunds.create({
      out_trade_no: outTradeNo,
      out_refund_no: `R${outTradeNo}`,
      notify_url: `${handlerUrl}/v3`,
      amount: { refund: 50, total: 50, currency: 'CNY' },
    });
    received.length = 0;
    const run = await sim_(['refund-settle', `R${outTradeNo}`, '--outcome', 'closed']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastLine).toBe(`refund R${outTradeNo} CLOSED`);
    // Other tests' retries may arrive meanwhile: look for this refund's notification only.
    const ours = () =>
      received.filter(
        (r) => r.v3?.event_type !== 'TRANSACTION.SUCCESS' && JSON.stringify(r.v3).includes(`R${outTradeNo}`),
      );
    const deadline = Date.now() + 5000;
    while (ours().length === 0 && Date.now() < deadline) await new Promise((t) => setTimeout(t, 50));
    expect(ours().map((r) => r.v3?.event_type)).toEqual(['REFUND.CLOSED']);
    expect((await sim_(['refund-settle', `R${outTradeNo}`])).code).toBe(1);
  });

  const nativeOrder = async (outTradeNo: string) => {
    const appid = JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8')).appid;
    return v3.transactions.native({
      appid,
      description: 'sim tools',
      out_trade_no: outTradeNo,
      notify_url: 'http://127.0.0.1:9/unused',
      amount: { total: 3 },
    });
  };

  it('sim logs shows API calls too, with the order and WeChat’s refusal; --only picks one log', async () => {
    const outTradeNo = `APILOG${Date.now().toString(36)}`;
    await nativeOrder(outTradeNo);
    await expect(v3.transactions.close(`${outTradeNo}X`)).rejects.toThrow();
    const lines = (await sim_(['logs', '--only', 'api', '--limit', '1000'])).stdout.split('\n');
    const ours = lines.filter((l) => l.includes(outTradeNo));
    expect(ours[0]).toMatch(
      new RegExp(
        `^\\S+Z {2}API {2}POST /v3/pay/transactions/native {2}${outTradeNo} {2}HTTP 200 {2}OK {2}\\d+ ms$`,
      ),
    );
    expect(ours[1]).toMatch(
      /API {2}POST \/v3\/pay\/transactions\/out-trade-no\/\S+X\/close {2}\S+X {2}HTTP 404 {2}ORDER_NOT_EXIST \(.+\) {2}\d+ ms$/,
    );
    expect(lines.filter((l) => l.includes('TRANSACTION.SUCCESS'))).toEqual([]);
    const notificationsOnly = (await sim_(['logs', '--only', 'notifications'])).stdout;
    expect(notificationsOnly).not.toContain('  API  ');
    expect((await sim_(['logs', '--only', 'everything'])).code).toBe(2);
  });

  it('sim close closes an unpaid order at WeChat; the merchant’s query then says CLOSED', async () => {
    const outTradeNo = `CLOSE${Date.now().toString(36)}`;
    await nativeOrder(outTradeNo);
    const run = await sim_(['close', outTradeNo]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastLine).toBe(`order ${outTradeNo} CLOSED`);
    expect((await v3.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('CLOSED');

    const paidNo = `PAID${Date.now().toString(36)}`;
    const { code_url } = await nativeOrder(paidNo);
    expect((await sim_(['pay', code_url!])).code).toBe(0);
    const refused = await sim_(['close', paidNo]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ORDER_PAID');
    expect((await sim_(['close', 'NOSUCHORDER1'])).code).toBe(1);
  });

  it('sim payment-code prints a fresh one-time code of the user, 18 digits WeChat accepts', async () => {
    const run = await sim_(['payment-code', '--user', 'bob']);
    expect(run.code, run.stderr).toBe(0);
    expect(isPaymentCode(run.lastLine)).toBe(true);
    expect(run.stderr).toContain('payment code of bob');
    const again = await sim_(['payment-code']);
    expect(again.lastLine).not.toBe(run.lastLine);
    expect((await sim_(['payment-code', '--user', 'nobody'])).code).toBe(1);
    expect((await sim_(['payment-code', 'extra'])).code).toBe(2);
  });

  it('sim password answers a payment code waiting for the PIN: --wrong keeps it waiting, then it pays', async () => {
    const patch = await fetch(`${sim.url}/_sim/users/bob`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"passwordFreeFen":0}',
    });
    expect(patch.status).toBe(200);
    const outTradeNo = `PIN${Date.now().toString(36)}`;
    const paying = await v3.transactions
      .codepay({
        appid: JSON.parse(readFileSync(join(dataDir, 'merchant', 'merchant.json'), 'utf8')).appid,
        description: 'till',
        out_trade_no: outTradeNo,
        payer: { auth_code: (await sim_(['payment-code', '--user', 'bob'])).lastLine },
        amount: { total: 300, currency: 'CNY' },
        scene_info: { store_info: { out_id: 'S1' } },
      })
      .catch((error: { code?: string }) => error);
    expect(paying).toMatchObject({ code: 'USERPAYING' });
    const wrong = await sim_(['password', outTradeNo, '--wrong']);
    expect(wrong.code, wrong.stderr).toBe(0);
    expect(wrong.lastLine).toContain(`order ${outTradeNo} USERPAYING`);
    expect((await sim_(['password', outTradeNo])).lastLine).toContain(`order ${outTradeNo} SUCCESS`);
    expect((await v3.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('SUCCESS');
    expect((await sim_(['password', outTradeNo])).code).toBe(1);
    expect((await sim_(['password', outTradeNo, '--cancel', '--wrong'])).code).toBe(2);
  });
});
