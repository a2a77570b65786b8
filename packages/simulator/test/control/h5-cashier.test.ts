/**
 * The H5 cashier (`/cgi-bin/mmpayweb-bin/checkmweb`) over real HTTP: an `h5_url` from our SDK opens
 * the pay sheet only as WeChat lets it — from a page of the merchant's H5 pay domain (Referer), to a
 * `redirect_url` on that domain, outside WeChat, within 5 minutes, from the order's IP.
 */
import { describe, expect, it } from 'vitest';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

const SHOP = 'http://127.0.0.1:3000';
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('H5 cashier', () => {
  const suite = useControlSuite();

  const h5Order = async (payerIp = '127.0.0.1') => {
    const no = outTradeNo('H5');
    const { h5_url } = await suite.client.transactions.h5({
      appid: suite.sim.merchant.appid,
      description: 'H5 订单',
      out_trade_no: no,
      notify_url: suite.merchant.url,
      amount: { total: 1234 },
      scene_info: { payer_client_ip: payerIp, h5_info: { type: 'Wap' } },
    });
    return { no, h5Url: h5_url };
  };
  const open = async (url: string, headers: Record<string, string> = { referer: `${SHOP}/h5` }) => {
    const res = await fetch(url, { headers: { 'user-agent': PHONE_UA, ...headers } });
    return {
      status: res.status,
      html: await res.text(),
      hint: decodeURIComponent(res.headers.get('x-sim-hint') ?? ''),
    };
  };
  const withRedirect = (h5Url: string, to: string) => `${h5Url}&redirect_url=${encodeURIComponent(to)}`;
  const stateOf = async (no: string) => (await suite.call('GET', `/orders/${no}`)).body.order.state as string;

  it('opens the pay sheet from a page of the H5 domain, carrying the redirect_url back', async () => {
    const { no, h5Url } = await h5Order();
    const back = `${SHOP}/h5/orders/${no}?from=wechat&x=1`;
    const page = await open(withRedirect(h5Url, back));
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="h5-cashier"');
    expect(page.html).toContain('¥</span>12.34');
    expect(page.html).toContain(`data-redirect-url="${back.replace('&', '&amp;')}"`);
    expect(suite.sim.merchant.h5Domains).toEqual(['127.0.0.1', 'localhost']);
    expect(await stateOf(no)).toBe('NOTPAY');
  });

  it("refuses as WeChat does, in WeChat's words, and pays nothing", async () => {
    const { no, h5Url } = await h5Order();
    const cases: [string, Record<string, string>, string, RegExp][] = [
      [h5Url, {}, '商家参数格式有误，请联系商家解决', /no Referer/],
      [
        h5Url,
        { referer: 'https://evil.example/pay' },
        '商家存在未配置的参数，请联系商家解决',
        /evil\.example/,
      ],
      [
        h5Url,
        { referer: 'http://127.0.0.1.evil.example/' },
        '商家存在未配置的参数，请联系商家解决',
        /not an H5 pay domain/,
      ],
      [
        withRedirect(h5Url, 'https://evil.example/x'),
        { referer: `${SHOP}/h5` },
        '商家参数格式有误',
        /redirect_url/,
      ],
      [
        withRedirect(h5Url, 'javascript:alert(1)'),
        { referer: `${SHOP}/h5` },
        '商家参数格式有误',
        /redirect_url/,
      ],
      [
        h5Url.replace(/package=\d+/, 'package=1000000000'),
        { referer: `${SHOP}/h5` },
        '商家参数格式有误',
        /package/,
      ],
      [
        h5Url.replace(/prepay_id=\w+/, 'prepay_id=wx0'),
        { referer: `${SHOP}/h5` },
        '商家参数格式有误',
        /prepay_id wx0/,
      ],
      [
        h5Url,
        { referer: `${SHOP}/h5`, 'user-agent': `${PHONE_UA} MicroMessenger/8.0.47` },
        '请在微信外打开订单，进行支付',
        /JSAPI/,
      ],
    ];
    for (const [url, headers, words, hint] of cases) {
      const page = await open(url, headers);
      expect(page.status, words).toBe(403);
      expect(page.html).toContain(words);
      expect(page.hint).toMatch(hint);
      expect(page.html).not.toContain('h5-cashier.js');
    }
    expect(await stateOf(no)).toBe('NOTPAY');
  });

  it('refuses a browser on another network than the order was placed from', async () => {
    const { h5Url } = await h5Order('203.0.113.5');
    const page = await open(h5Url);
    expect(page.status).toBe(403);
    expect(page.html).toContain('网络环境未能通过安全验证，请稍后再试');
    expect(page.hint).toContain('203.0.113.5');
  });

  it('an h5_url is good for 5 minutes; a paid order opens no sheet', async () => {
    const { no, h5Url } = await h5Order();
    await suite.call('POST', '/clock/advance', { minutes: 5 });
    expect((await open(h5Url)).html).toContain('支付请求已失效，请重新发起支付');

    const fresh = await h5Order();
    await suite.call('POST', `/orders/${fresh.no}/pay`, { user: 'bob' });
    expect((await open(fresh.h5Url)).html).toContain('该订单已支付');
    expect(await stateOf(no)).toBe('NOTPAY');
  });

  it('H5 domains are the merchant’s to configure: subdomains count, malformed ones are refused', async () => {
    const mchid = suite.sim.merchant.mchid;
    const bad = await suite.call('PATCH', `/merchants/${mchid}`, {
      h5Domains: ['https://shop.example.com/'],
    });
    expect(bad.status).toBe(400);
    const set = await suite.call('PATCH', `/merchants/${mchid}`, { h5Domains: ['Shop.Example.com'] });
    expect(set.body.h5Domains).toEqual(['shop.example.com']);
    try {
      const { h5Url } = await h5Order();
      expect((await open(h5Url, { referer: 'https://m.shop.example.com/cart' })).status).toBe(200);
      expect((await open(h5Url, { referer: 'https://shop.example.com/' })).status).toBe(200);
      expect((await open(h5Url, { referer: `${SHOP}/h5` })).status).toBe(403);
    } finally {
      await suite.call('PATCH', `/merchants/${mchid}`, { h5Domains: ['127.0.0.1', 'localhost'] });
    }
  });
});
