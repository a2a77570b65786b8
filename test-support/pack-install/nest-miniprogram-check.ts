import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { toRfc3339Beijing, V3Client } from '@wechatpay-kit/sdk';
import { buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { MiniProgramPlayer } from '@wechatpay-kit/simulator';
import semver from 'semver';
import { type ExampleSimulator, startExample, until } from './example-process.js';
import { REPOSITORY_ROOT, run } from './packed-project.js';

interface ShopOrder {
  orderNo: string;
  state: string;
  amountFen: number;
  transactionId?: string;
}

/** What the simulator's `/_sim/notifications` lists for one callback. */
interface SimNotification {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  transactionId?: string;
  attemptCount: number;
  lastAttempt?: { acked: boolean; httpStatus?: number; responseBody?: string };
}

function expectThat(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

/**
 * examples/nest-miniprogram as a stranger runs it, on the installed packages only: `npm start`
 * (tsc from the project's node_modules, then Nest), `npx wxpay sim miniprogram` buying through it
 * (wx.login → jscode2session → v3 JSAPI order → wx.requestPayment checked by the simulator), the
 * notification ACKed once and a resend changing nothing, the order PAID for its buyer only and
 * SUCCESS at WeChat; a cancelled payment and a notification signed with a stranger's key leave
 * the order unpaid.
 */
export async function checkNestMiniprogram(projectDir: string, simulator: ExampleSimulator): Promise<void> {
  const dir = join(projectDir, 'nest-miniprogram');
  cpSync(join(REPOSITORY_ROOT, 'examples', 'nest-miniprogram'), dir, {
    recursive: true,
    filter: (source) => !['node_modules', 'dist', 'data'].includes(basename(source)),
  });
  // The example's own manifest is what a developer installs: the project must hold all of it.
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const [name, range] of Object.entries<string>({
    ...manifest.dependencies,
    ...manifest.devDependencies,
  })) {
    const installed = JSON.parse(
      readFileSync(join(projectDir, 'node_modules', name, 'package.json'), 'utf8'),
    );
    expectThat(
      semver.satisfies(installed.version, range),
      () => `${name} ${installed.version} is not ${range}`,
    );
  }
  const v3Options = JSON.parse(readFileSync(join(simulator.merchantDir, 'v3-client-options.json'), 'utf8'));
  const merchant = JSON.parse(readFileSync(join(simulator.merchantDir, 'merchant.json'), 'utf8'));
  const wechat = new V3Client(v3Options);
  const phone = new MiniProgramPlayer({ simulatorUrl: simulator.url });
  const shop = await startExample(
    'nest-miniprogram',
    dir,
    ['npm', 'start'],
    {
      PORT: '0',
      WXPAY_MERCHANT_DIR: simulator.merchantDir,
    },
    60_000,
  );
  try {
    const { url } = shop;
    const miniprogram = async (...args: string[]) => {
      const played = await run(
        'npx',
        ['--no-install', 'wxpay', 'sim', 'miniprogram', '--service', url, '--user', 'alice', ...args],
        { cwd: projectDir, env: { SIM_URL: simulator.url } },
      );
      expectThat(
        played.code === 0,
        () => `wxpay sim miniprogram ${args.join(' ')} failed:\n${played.stderr}`,
      );
      return played.stdout.trim().split('\n').at(-1)!;
    };
    /** The shop's own login, as the mini-program does it, for reading orders as that user. */
    const login = async (user: string) => {
      const { code } = await phone.login(user);
      const res = await fetch(`${url}/api/miniprogram/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expectThat(res.status === 200, () => `login as ${user} answered ${res.status}`);
      return (await res.json()) as { token: string; openid: string };
    };
    const orderAs = (token: string, orderNo: string) =>
      fetch(`${url}/api/orders/${orderNo}`, { headers: { authorization: `Bearer ${token}` } });
    const notificationsOf = async (outTradeNo: string) =>
      (await (
        await fetch(`${simulator.url}/_sim/notifications?outTradeNo=${outTradeNo}`)
      ).json()) as SimNotification[];

    // A purchase, end to end: the notification is ACKed (204), the order PAID, WeChat agrees.
    const bought = /^requestPayment:ok (\S+)$/.exec(await miniprogram('--product', 'latte'))?.[1];
    expectThat(bought !== undefined, () => `no requestPayment:ok in:\n${shop.output()}`);
    const orderNo = bought!;
    const notification = await until('the shop to answer the payment notification', async () => {
      const [first] = await notificationsOf(orderNo);
      return first?.lastAttempt?.httpStatus !== undefined ? first : undefined;
    });
    expectThat(
      notification.status === 'delivered' && notification.lastAttempt?.httpStatus === 204,
      () => `the notification was not ACKed with 204: ${JSON.stringify(notification)}\n${shop.output()}`,
    );
    const alice = await login('alice');
    const paid = (await (await orderAs(alice.token, orderNo)).json()) as ShopOrder;
    expectThat(
      paid.state === 'PAID' && paid.amountFen === 990 && paid.transactionId === notification.transactionId,
      () => `the shop's order: ${JSON.stringify(paid)}`,
    );
    const atWechat = await wechat.transactions.queryByOutTradeNo(orderNo);
    expectThat(
      atWechat.trade_state === 'SUCCESS' &&
        atWechat.transaction_id === paid.transactionId &&
        atWechat.appid === merchant.miniProgramAppid &&
        atWechat.payer?.openid === alice.openid &&
        atWechat.amount?.total === 990,
      () => `WeChat's order: ${JSON.stringify(atWechat)}`,
    );
    const bob = await login('bob');
    expectThat((await orderAs(bob.token, orderNo)).status === 404, () => 'bob can read alice’s order');

    // WeChat resends: ACKed again, applied once.
    const resent = (await (
      await fetch(`${simulator.url}/_sim/notifications/${notification.id}/resend`, { method: 'POST' })
    ).json()) as SimNotification;
    expectThat(
      resent.attemptCount === 2 && resent.lastAttempt?.acked === true,
      () => `the resend: ${JSON.stringify(resent)}`,
    );
    const applied = shop.output().split(`paid ${orderNo} `).length - 1;
    expectThat(applied === 1, () => `applied ${applied} times:\n${shop.output()}`);
    expectThat(
      !shop.output().includes('ANOMALY'),
      () => `a duplicate taken for an anomaly:\n${shop.output()}`,
    );

    // Cancelled on the pay sheet: nothing paid anywhere, no notification.
    const cancelled = /^requestPayment:fail cancel (\S+)$/.exec(
      await miniprogram('--product', 'tea', '--cancel'),
    )?.[1];
    expectThat(cancelled !== undefined, () => 'no requestPayment:fail cancel');
    const unpaid = cancelled!;
    expectThat(
      (await wechat.transactions.queryByOutTradeNo(unpaid)).trade_state === 'NOTPAY',
      () => 'cancelled but not NOTPAY at WeChat',
    );
    expectThat((await notificationsOf(unpaid)).length === 0, () => 'a notification for a cancelled payment');

    // A TRANSACTION.SUCCESS for it, right in every field and encrypted with the real APIv3 key, but
    // signed with a key that is not WeChat Pay's: refused in WeChat's format, the order stays unpaid.
    const forged = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      apiV3Key: v3Options.apiV3Key,
      signer: {
        privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
        serial: merchant.publicKeyId,
      },
      resource: {
        appid: merchant.miniProgramAppid,
        mchid: merchant.mchid,
        out_trade_no: unpaid,
        transaction_id: '4200000000000000000000000001',
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: toRfc3339Beijing(new Date()),
        payer: { openid: alice.openid },
        amount: { total: 500, payer_total: 500, currency: 'CNY', payer_currency: 'CNY' },
      },
    });
    const refused = await fetch(`${url}/api/notify/v3`, {
      method: 'POST',
      headers: forged.headers,
      body: forged.body,
    });
    const answer = await refused.text();
    expectThat(
      refused.status === 401 && (JSON.parse(answer || '{}') as { code?: string }).code === 'FAIL',
      () => `the forged notification got ${refused.status} ${answer}`,
    );
    const still = (await (await orderAs(alice.token, unpaid)).json()) as ShopOrder;
    expectThat(still.state === 'NOTPAY', () => `after the forged notification: ${JSON.stringify(still)}`);
  } finally {
    await wechat.close();
    await shop.stop();
  }
}
