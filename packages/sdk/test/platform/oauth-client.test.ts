import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatPayConfigError, WechatPayValidationError, WechatPlatformError } from '../../src/errors.js';
import { authorizeUrl, OAuthClient, type OAuthScope } from '../../src/platform/oauth-client.js';
import { APP, caught, errorText, type PlatformFixture, startPlatform } from './support/platform-fixture.js';

describe('authorizeUrl', () => {
  it('builds the exact URL WeChat expects, parameters in order, redirect encoded', () => {
    expect(
      authorizeUrl({
        appid: 'wx520c15f417810387',
        redirectUri: 'https://chong.qq.com/mobile/login?a=1&b=2',
        scope: 'snsapi_base',
        state: '123',
      }),
    ).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387' +
        '&redirect_uri=https%3A%2F%2Fchong.qq.com%2Fmobile%2Flogin%3Fa%3D1%26b%3D2' +
        '&response_type=code&scope=snsapi_base&state=123#wechat_redirect',
    );
  });

  it('supports snsapi_userinfo and another base URL', () => {
    const client = new OAuthClient({ ...APP, oauthBaseUrl: 'http://127.0.0.1:3100/' });
    expect(
      client.authorizeUrl({
        redirectUri: 'http://shop.example.com/cb',
        scope: 'snsapi_userinfo',
        state: 'S1',
      }),
    ).toBe(
      `http://127.0.0.1:3100/connect/oauth2/authorize?appid=${APP.appid}` +
        '&redirect_uri=http%3A%2F%2Fshop.example.com%2Fcb&response_type=code&scope=snsapi_userinfo&state=S1#wechat_redirect',
    );
  });

  it('rejects a bad scope, state or redirect URI with a typed error', () => {
    const base = {
      appid: APP.appid,
      redirectUri: 'https://shop.example.com/cb',
      scope: 'snsapi_base' as OAuthScope,
      state: 'ok',
    };
    for (const bad of [
      { scope: 'snsapi_login' as OAuthScope },
      { state: '' },
      { state: 'has space' },
      { state: 'a&b=c' },
      { state: 'x'.repeat(129) },
      { redirectUri: '/cb' },
      { redirectUri: 'weixin://cb' },
      { appid: '' },
    ]) {
      expect(() => authorizeUrl({ ...base, ...bad }), JSON.stringify(bad)).toThrow(WechatPayValidationError);
    }
    expect(authorizeUrl({ ...base, state: 'x'.repeat(128) })).toContain(
      `state=${'x'.repeat(128)}#wechat_redirect`,
    );
  });
});

describe('OAuthClient configuration', () => {
  it('refuses a missing secret with a configuration error', () => {
    expect(() => new OAuthClient({ appid: APP.appid, secret: ' ' })).toThrow(WechatPayConfigError);
  });
});

describe('OAuthClient against the fake platform', () => {
  let p: PlatformFixture;
  let oauth: OAuthClient;
  beforeEach(async () => {
    p = await startPlatform();
    oauth = new OAuthClient({ ...APP, client: p.client });
  });
  afterEach(async () => {
    await p.close();
  });

  it('exchanges a code for the user’s openid and token, then reads the profile', async () => {
    const code = p.fake.issueOauthCode(APP.appid, {
      openid: 'o_user_1',
      scope: 'snsapi_userinfo',
      unionid: 'u_1',
    });
    const token = await oauth.exchangeCode(code);
    expect(token).toMatchObject({
      openid: 'o_user_1',
      scope: 'snsapi_userinfo',
      unionid: 'u_1',
      expires_in: 7200,
    });
    expect(token.refresh_token).toMatch(/^refresh_/);
    const request = p.fake.requests.at(-1)!;
    expect(request.query).toEqual({
      appid: APP.appid,
      secret: APP.secret,
      code,
      grant_type: 'authorization_code',
    });
    await expect(oauth.userInfo(token.access_token, token.openid)).resolves.toMatchObject({
      openid: 'o_user_1',
    });
  });

  it('reports an unknown code as 40029 and a reused one as 40163', async () => {
    await expect(oauth.exchangeCode('not-a-code')).rejects.toMatchObject({ errcode: 40029 });
    const code = p.fake.issueOauthCode(APP.appid, { openid: 'o_user_2' });
    await oauth.exchangeCode(code);
    const err = await caught(() => oauth.exchangeCode(code));
    expect(err).toBeInstanceOf(WechatPlatformError);
    expect((err as WechatPlatformError).errcode).toBe(40163);
  });

  it('reports an expired code as 40029', async () => {
    const code = p.fake.issueOauthCode(APP.appid, { openid: 'o_user_3' });
    p.clock.advance(5 * 60_000 + 1);
    await expect(oauth.exchangeCode(code)).rejects.toMatchObject({ errcode: 40029 });
  });

  it('never retries a code exchange (the code is single-use)', async () => {
    p.fake.failNext('/sns/oauth2/access_token', { body: { errcode: -1, errmsg: 'system error' } });
    const code = p.fake.issueOauthCode(APP.appid, { openid: 'o_user_4' });
    await expect(oauth.exchangeCode(code)).rejects.toMatchObject({ errcode: -1 });
    expect(p.fake.count('/sns/oauth2/access_token')).toBe(1);
  });

  it('keeps the secret out of errors even when WeChat echoes the request', async () => {
    p.fake.echoRequestInErrors = true;
    const err = await caught(() => oauth.exchangeCode('bogus'));
    expect((err as WechatPlatformError).errcode).toBe(40029);
    expect((err as Error).message).toContain('bogus'); // the code itself may show, the secret may not
    expect(errorText(err)).not.toContain(APP.secret);
  });

  it('rejects an empty code without calling WeChat', async () => {
    await expect(oauth.exchangeCode('')).rejects.toBeInstanceOf(WechatPayValidationError);
    expect(p.fake.requests).toHaveLength(0);
  });
});
