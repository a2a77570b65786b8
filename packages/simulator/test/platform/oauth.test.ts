import { OAuthClient, type WechatPlatformError } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { caught } from './support/platform-sim.js';
import { usePlatformSim } from './support/use-platform-sim.js';

const p = usePlatformSim();

const CALLBACK = 'https://shop.example.com/wx/callback?from=menu';

function oauth(app = p.oa): OAuthClient {
  return new OAuthClient({ ...app, client: p.client, oauthBaseUrl: p.sim.url });
}

/** What a browser does with the authorize URL: the `#wechat_redirect` fragment is never sent. */
async function open(url: string) {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** Signs `user` in through the authorize URL the SDK built and returns the code from the redirect. */
async function signIn(
  client: OAuthClient,
  user: string,
  scope: 'snsapi_base' | 'snsapi_userinfo',
  state = 'st8',
): Promise<string> {
  const url = client
    .authorizeUrl({ redirectUri: CALLBACK, scope, state })
    .replace('#wechat_redirect', `&user=${user}`);
  const answer = await open(url);
  expect(answer.status).toBe(302);
  const location = new URL(answer.location!);
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code')!;
}

describe('web authorisation (OAuth2)', () => {
  it('lets a person choose a user on the page, redirects with code and state, and the SDK gets the openid', async () => {
    const client = oauth();
    const page = await open(
      client.authorizeUrl({ redirectUri: CALLBACK, scope: 'snsapi_userinfo', state: 'abc123' }),
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('simulated WeChat: choose user');
    expect(page.text).toContain(p.sim.ctx.users.openid('bob', p.oa.appid));
    const href = /href="([^"]*user=bob[^"]*)"/.exec(page.text)![1]!.replaceAll('&#38;', '&');

    const redirect = await open(`${p.sim.url}${href}`);
    expect(redirect.status).toBe(302);
    expect(redirect.location).toMatch(
      /^https:\/\/shop\.example\.com\/wx\/callback\?from=menu&code=\w{32}&state=abc123$/,
    );
    const code = new URL(redirect.location!).searchParams.get('code')!;

    const token = await client.exchangeCode(code);
    expect(token.openid).toBe(p.sim.ctx.users.openid('bob', p.oa.appid));
    expect(token).toMatchObject({ expires_in: 7200, scope: 'snsapi_userinfo' });
    expect(token.unionid).toMatch(/^o[\w-]{27}$/);
    expect(token.unionid).not.toBe(token.openid);
    const profile = await client.userInfo(token.access_token, token.openid);
    expect(profile).toMatchObject({ openid: token.openid, nickname: '鲍勃 Bob', unionid: token.unionid });

    const reused = await caught(() => client.exchangeCode(code));
    expect((reused as WechatPlatformError).errcode).toBe(40163);
    expect((reused as Error).message).toContain('code been used');
  });

  it('snsapi_base gives the openid only: no unionid, and userinfo is refused (48001)', async () => {
    const client = oauth();
    const token = await client.exchangeCode(await signIn(client, 'alice', 'snsapi_base'));
    expect(token.openid).toBe(p.sim.ctx.users.openid('alice', p.oa.appid));
    expect(token.scope).toBe('snsapi_base');
    expect(token.unionid).toBeUndefined();
    const err = await caught(() => client.userInfo(token.access_token, token.openid));
    expect((err as WechatPlatformError).errcode).toBe(48001);
    const auth = await p.get('/sns/auth', { access_token: token.access_token, openid: token.openid });
    expect(auth.json).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('refuses expired, unknown and foreign codes (40029) and a wrong secret (40125) without echoing it', async () => {
    const client = oauth();
    const code = await signIn(client, 'carol', 'snsapi_base');
    p.advance(300);
    const expired = await caught(() => client.exchangeCode(code));
    expect((expired as WechatPlatformError).errcode).toBe(40029);
    expect((expired as Error).message).toContain('expired');
    expect(((await caught(() => client.exchangeCode('A'.repeat(32)))) as WechatPlatformError).errcode).toBe(
      40029,
    );
    const forOa = await signIn(client, 'carol', 'snsapi_base');
    expect(((await caught(() => oauth(p.mobile).exchangeCode(forOa))) as WechatPlatformError).errcode).toBe(
      40029,
    );

    const wrong = 'Wr0ngSecretWr0ngSecretWr0ngSecre';
    const answer = await p.get('/sns/oauth2/access_token', {
      appid: p.oa.appid,
      secret: wrong,
      code: forOa,
      grant_type: 'authorization_code',
    });
    expect(answer.json.errcode).toBe(40125);
    expect(answer.text).not.toContain(wrong);
    expect(answer.text).not.toContain(p.oa.secret);
    // A refusal for another reason does not burn the code.
    expect((await client.exchangeCode(forOa)).openid).toBe(p.sim.ctx.users.openid('carol', p.oa.appid));
  });

  it('renews a user token with refresh_token: in place while live, a new one after expiry', async () => {
    const client = oauth();
    const token = await client.exchangeCode(await signIn(client, 'bob', 'snsapi_userinfo'));
    const refresh = (query: Record<string, string> = {}) =>
      p.get('/sns/oauth2/refresh_token', {
        appid: p.oa.appid,
        grant_type: 'refresh_token',
        refresh_token: token.refresh_token,
        ...query,
      });
    p.advance(3600);
    const renewed = await refresh();
    expect(renewed.json).toMatchObject({
      access_token: token.access_token,
      expires_in: 7200,
      openid: token.openid,
    });
    p.advance(7199);
    expect((await client.userInfo(token.access_token, token.openid)).nickname).toBe('鲍勃 Bob');
    p.advance(1);
    expect(
      ((await caught(() => client.userInfo(token.access_token, token.openid))) as WechatPlatformError)
        .errcode,
    ).toBe(42001);
    const replaced = await refresh();
    expect(replaced.json.access_token).not.toBe(token.access_token);
    expect((await client.userInfo(replaced.json.access_token as string, token.openid)).openid).toBe(
      token.openid,
    );

    expect((await refresh({ refresh_token: 'nope' })).json.errcode).toBe(40030);
    expect((await refresh({ grant_type: 'authorization_code' })).json.errcode).toBe(40002);
    p.advance(30 * 86_400);
    expect((await refresh()).json.errcode).toBe(42002);
  });

  it('keeps user tokens and app tokens apart, and checks the openid', async () => {
    const client = oauth();
    const token = await client.exchangeCode(await signIn(client, 'alice', 'snsapi_userinfo'));
    const other = p.sim.ctx.users.openid('bob', p.oa.appid);
    expect(
      (await p.get('/sns/userinfo', { access_token: token.access_token, openid: other })).json.errcode,
    ).toBe(40003);
    expect((await p.get('/sns/userinfo', { access_token: token.access_token })).json.errcode).toBe(41009);
    expect(
      (await p.get('/cgi-bin/get_api_domain_ip', { access_token: token.access_token })).json.errcode,
    ).toBe(40001);
    const appToken = (await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...p.oa })).json
      .access_token;
    const crossed = await p.get('/sns/userinfo', { access_token: appToken as string, openid: token.openid });
    expect(crossed.json.errcode).toBe(40001);
  });
});

describe('the authorize page', () => {
  const authorize = (query: Record<string, string>) => p.get('/connect/oauth2/authorize', query);
  const valid = () => ({
    appid: p.oa.appid,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'snsapi_userinfo',
    state: 'xyz',
  });

  it('shows WeChat error pages for what WeChat checks', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...valid(), appid: '' }, '10012'],
      [{ ...valid(), redirect_uri: '' }, '10011'],
      [{ ...valid(), scope: '' }, '10010'],
      [{ ...valid(), scope: 'snsapi_login' }, '10005'],
      [{ ...valid(), appid: p.mini.appid }, '10016'],
      [{ ...valid(), appid: 'wx0000000000000000' }, '40013'],
      [{ ...valid(), redirect_uri: '/relative/path' }, '10003'],
      [{ ...valid(), response_type: 'token' }, 'param'],
    ];
    for (const [query, code] of cases) {
      const answer = await authorize(query);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Oops! Something went wrong');
      expect(answer.contentType).toMatch(/^text\/html/);
      expect(answer.text).not.toContain(p.oa.secret);
      expect(answer.location).toBeNull();
      expect([code, answer.text.includes(code === 'param' ? '参数错误' : code)]).toEqual([code, true]);
    }
    const unknownUser = await authorize({ ...valid(), user: 'mallory' });
    expect(unknownUser.text).toContain('alice, bob, carol');
  });

  it('redirects with state only when the user refuses, and keeps the callback URL as given', async () => {
    const denied = await authorize({ ...valid(), denied: '1' });
    expect(denied.status).toBe(302);
    expect(denied.location).toBe(`${CALLBACK}&state=xyz`);
    const fragment = await authorize({
      ...valid(),
      redirect_uri: 'http://127.0.0.1:9/cb#/after',
      user: 'bob',
    });
    expect(fragment.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=\w{32}&state=xyz#\/after$/);
  });
});
