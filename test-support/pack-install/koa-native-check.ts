import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { V3Client } from '@wechatpay-kit/sdk';
import { type ExampleSimulator, startExample, until } from './example-process.js';
import { REPOSITORY_ROOT, run } from './packed-project.js';

interface ShopOrder {
  outTradeNo: string;
  state: string;
  codeUrl: string;
  transactionId?: string;
}

/**
 * examples/koa-native as a stranger runs it, on the installed packages only: a v3 order paid with
 * `npx wxpay sim pay`, seen by SSE; a v2 order seen by polling; an unpaid order closed on timeout
 * here and at WeChat.
 */
export async function checkKoaNative(projectDir: string, simulator: ExampleSimulator): Promise<void> {
  const dir = join(projectDir, 'koa-native');
  cpSync(join(REPOSITORY_ROOT, 'examples', 'koa-native'), dir, { recursive: true });
  const pay = async (outTradeNo: string) => {
    const paid = await run('npx', ['--no-install', 'wxpay', 'sim', 'pay', outTradeNo, '--user', 'alice'], {
      cwd: projectDir,
      env: { SIM_URL: simulator.url },
    });
    if (paid.code !== 0) throw new Error(`wxpay sim pay failed: ${paid.stderr}`);
    if (!paid.stdout.includes('ACK: WeChat would count it as received')) {
      throw new Error(`the shop did not acknowledge the notification:\n${paid.stdout}`);
    }
  };
  const order = (url: string, apiVersion: 'v2' | 'v3') =>
    fetch(`${url}/orders`, { method: 'POST', body: JSON.stringify({ productId: 'latte', apiVersion }) }).then(
      async (r) => {
        if (r.status !== 201) throw new Error(`POST /orders answered ${r.status}: ${await r.text()}`);
        return (await r.json()) as ShopOrder;
      },
    );

  const startShop = (ttlSeconds: number) =>
    startExample('koa-native', dir, [process.execPath, 'app.mjs'], {
      PORT: '0',
      WXPAY_MERCHANT_DIR: simulator.merchantDir,
      ORDER_TTL_SECONDS: String(ttlSeconds),
    });
  const shop = await startShop(900);
  try {
    const v3Order = await order(shop.url, 'v3');
    if (!/^weixin:\/\/wxpay\/bizpayurl\?pr=/.test(v3Order.codeUrl))
      throw new Error(`no code_url: ${JSON.stringify(v3Order)}`);
    const qr = await fetch(`${shop.url}/orders/${v3Order.outTradeNo}/qr.svg`);
    if (!(await qr.text()).includes('<svg')) throw new Error('no QR code');
    const events = await fetch(`${shop.url}/orders/${v3Order.outTradeNo}/events`);
    const stream = events.body!.getReader();
    await pay(v3Order.outTradeNo);
    let pushed = '';
    while (!pushed.includes('"PAID"')) {
      const { value, done } = await stream.read();
      if (done) throw new Error(`the SSE stream ended without PAID: ${pushed}`);
      pushed += new TextDecoder().decode(value);
    }

    const v2Order = await order(shop.url, 'v2');
    await pay(v2Order.outTradeNo);
    const polled = await until('the v2 order to be PAID', async () => {
      const now = (await (await fetch(`${shop.url}/orders/${v2Order.outTradeNo}`)).json()) as ShopOrder;
      return now.state === 'PAID' ? now : undefined;
    });
    if (!polled.transactionId) throw new Error('PAID without a transaction id');
  } finally {
    await shop.stop();
  }

  const expiring = await startShop(1);
  const wechat = new V3Client(
    JSON.parse(readFileSync(join(simulator.merchantDir, 'v3-client-options.json'), 'utf8')),
  );
  try {
    const unpaid = await order(expiring.url, 'v3');
    await until('the unpaid order to close', async () => {
      const now = (await (await fetch(`${expiring.url}/orders/${unpaid.outTradeNo}`)).json()) as ShopOrder;
      return now.state === 'CLOSED' ? now : undefined;
    });
    const atWechat = await wechat.transactions.queryByOutTradeNo(unpaid.outTradeNo);
    if (atWechat.trade_state !== 'CLOSED')
      throw new Error(`closed here but ${atWechat.trade_state} at WeChat`);
  } finally {
    await expiring.stop();
    await wechat.close();
  }
}
