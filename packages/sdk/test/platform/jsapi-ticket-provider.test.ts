import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatPayValidationError } from '../../src/errors.js';
import { AccessTokenProvider } from '../../src/platform/access-token-provider.js';
import { JsapiTicketProvider } from '../../src/platform/jsapi-ticket-provider.js';
import { jssdkSignature } from '../../src/platform/jssdk-signature.js';
import { MemoryTokenCache } from '../../src/platform/token-cache.js';
import { APP, type PlatformFixture, startPlatform } from './support/platform-fixture.js';

const OFFICIAL_TICKET =
  'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg';
const PAGE = 'http://mp.weixin.qq.com?params=value';

let p: PlatformFixture;
beforeEach(async () => {
  p = await startPlatform();
});
afterEach(async () => {
  await p.close();
});

function providers(useStableToken = true) {
  const tokenProvider = new AccessTokenProvider({
    ...APP,
    client: p.client,
    now: p.clock.now,
    useStableToken,
  });
  const tickets = new JsapiTicketProvider({ tokenProvider, cache: new MemoryTokenCache(), now: p.clock.now });
  return { tokenProvider, tickets };
}

describe('JsapiTicketProvider', () => {
  it('signs wx.config with the ticket from WeChat and the clock’s time', async () => {
    p.fake.nextTicket = OFFICIAL_TICKET;
    const { tickets } = providers();
    const config = await tickets.jssdkConfig(`${PAGE}#section`, ['chooseWXPay']);
    expect(config.appId).toBe(APP.appid);
    expect(config.timestamp).toBe(Math.floor(p.clock.now() / 1000));
    expect(config.jsApiList).toEqual(['chooseWXPay']);
    // Signed over the URL exactly as given (no slash added), fragment dropped.
    expect(config.signature).toBe(jssdkSignature(OFFICIAL_TICKET, config.nonceStr, config.timestamp, PAGE));
    expect(config.signature).not.toBe(
      jssdkSignature(
        OFFICIAL_TICKET,
        config.nonceStr,
        config.timestamp,
        'http://mp.weixin.qq.com/?params=value',
      ),
    );
  });

  it('fetches the ticket once for many pages, sequential and concurrent', async () => {
    const { tickets } = providers();
    for (let i = 0; i < 5; i++) await tickets.jssdkConfig(`https://shop.example.com/p/${i}`);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => tickets.jssdkConfig(`https://shop.example.com/q/${i}`)),
    );
    expect(p.fake.count('/cgi-bin/ticket/getticket')).toBe(1);
    expect(p.fake.count('/cgi-bin/stable_token')).toBe(1);
  });

  it('renews the ticket within the margin of its expiry', async () => {
    const { tickets } = providers();
    const first = await tickets.getTicket();
    p.clock.advance((7200 - 301) * 1000);
    expect(await tickets.getTicket()).toBe(first);
    p.clock.advance(2000);
    expect(await tickets.getTicket()).not.toBe(first);
    expect(p.fake.count('/cgi-bin/ticket/getticket')).toBe(2);
  });

  it('refreshes a revoked access_token and fetches the ticket with the new one', async () => {
    const { tokenProvider, tickets } = providers(false);
    const oldToken = await tokenProvider.getToken();
    await p.client.get('/cgi-bin/token', { grant_type: 'client_credential', ...APP }); // someone else
    expect(p.fake.tokenState(oldToken)).toBe('revoked');
    expect(await tickets.getTicket()).toMatch(/^ticket_/);
    const ticketCalls = p.fake.requests.filter((r) => r.path === '/cgi-bin/ticket/getticket');
    expect(ticketCalls).toHaveLength(2);
    expect(ticketCalls[0]!.query.access_token).toBe(oldToken);
    expect(p.fake.tokenState(ticketCalls[1]!.query.access_token!)).toBe('valid');
  });

  it('rejects URLs that are not absolute http(s) before asking WeChat for anything', async () => {
    const { tickets } = providers();
    for (const url of [
      '',
      'mp.weixin.qq.com/page',
      '/relative/page',
      'ftp://mp.weixin.qq.com/',
      'javascript:alert(1)',
      'http:mp.weixin.qq.com',
      'http://',
      'http://shop.example.com/a page',
      undefined as unknown as string,
    ]) {
      const rejection = expect(tickets.jssdkConfig(url), String(url)).rejects;
      await rejection.toBeInstanceOf(WechatPayValidationError);
      await rejection.toMatchObject({ field: 'url' });
    }
    expect(p.fake.requests).toHaveLength(0);
  });

  it('invalidate drops only the given ticket', async () => {
    const { tickets } = providers();
    const first = await tickets.getTicket();
    await tickets.invalidate('some-other-ticket');
    expect(await tickets.getTicket()).toBe(first);
    await tickets.invalidate(first);
    expect(await tickets.getTicket()).not.toBe(first);
    expect(p.fake.count('/cgi-bin/ticket/getticket')).toBe(2);
  });
});
