import { expect, it } from 'vitest';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';
import { authorizeAs, cookieFrom, platformUsage, signInWithOAuth, startOAuth } from './wechat-sign-in.js';

describeOnEngines('WeChat sign-in and JS-SDK over HTTP', (engine) => {
  let demo: TestDemo;
  const openidOf = (user: string) => demo.simulator.ctx.users.openid(user, demo.simulator.merchant.appid);
  useTestDemo(engine, (started) => {
    demo = started;
  });

  it('snsapi_base: login redirects to WeChat with a bound state, the callback opens a session for bob', async () => {
    const start = await startOAuth(demo, 'returnTo=/jsapi%3Fx%3D1&scope=snsapi_base');
    expect(start.status).toBe(302);
    const redirectUri = encodeURIComponent(`${demo.url}/wechat/oauth/callback`);
    expect(start.location).toMatch(
      new RegExp(
        `^${demo.simulator.url}/connect/oauth2/authorize\\?appid=${demo.simulator.merchant.appid}` +
          `&redirect_uri=${redirectUri.replace(/[.?]/g, '\\$&')}&response_type=code&scope=snsapi_base&state=[0-9a-f]{32}#wechat_redirect$`,
      ),
    );
    expect(start.stateCookie).toMatch(/^wxoauth=/);

    const callback = await authorizeAs(start.location, 'bob');
    expect(callback.startsWith(`${demo.url}/wechat/oauth/callback?code=`)).toBe(true);
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/jsapi?x=1');
    const setCookie = back.headers.getSetCookie().find((c) => c.startsWith('wxsession='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // PUBLIC_URL is http here

    const session = await json(`${demo.url}/api/session`, {
      headers: { cookie: cookieFrom(back.headers, 'wxsession')! },
    });
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ openid: openidOf('bob'), appid: demo.simulator.merchant.appid });
  });

  it('snsapi_userinfo also brings the nickname', async () => {
    const cookie = await signInWithOAuth(demo, 'alice', 'snsapi_userinfo');
    const session = await json(`${demo.url}/api/session`, { headers: { cookie } });
    expect(session.body).toEqual({
      openid: openidOf('alice'),
      appid: demo.simulator.merchant.appid,
      nickname: '爱丽丝 Alice',
    });
  });

  it('a callback whose state does not match, or without the state cookie, is refused and opens no session', async () => {
    const start = await startOAuth(demo);
    const callback = await authorizeAs(start.location, 'bob');
    const tampered = callback.replace(/state=[0-9a-f]+/, `state=${'0'.repeat(32)}`);
    for (const [url, cookie] of [
      [tampered, start.stateCookie!],
      [callback, ''],
    ] as const) {
      const answer = await fetch(url, { redirect: 'manual', headers: { cookie } });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toBe('OAUTH_STATE_INVALID');
      expect(cookieFrom(answer.headers, 'wxsession')).toBeUndefined();
    }
    // The genuine callback still works: the refusals consumed nothing at WeChat.
    const ok = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
    expect(ok.status).toBe(302);
  });

  it('a replayed callback: the state is spent in the browser, and WeChat refuses the used code', async () => {
    const start = await startOAuth(demo);
    const callback = await authorizeAs(start.location, 'bob');
    const first = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
    expect(first.status).toBe(302);
    expect(first.headers.getSetCookie().some((c) => c.startsWith('wxoauth=;'))).toBe(true);

    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
    expect(replay.status).toBe(401);
    const body = (await replay.json()) as { error: string; message: string; wechatCode: string };
    expect(body.error).toBe('OAUTH_CODE_INVALID');
    expect(body.wechatCode).toBe('40163');
    expect(body.message).toMatch(/40163/);
    expect(body.message).not.toContain(demo.simulator.merchant.appSecret);
    expect(cookieFrom(replay.headers, 'wxsession')).toBeUndefined();
  });

  it('returnTo only ever leads back into this site', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const start = await startOAuth(demo, `returnTo=${encodeURIComponent(evil)}`);
      const callback = await authorizeAs(start.location, 'carol');
      const back = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
      expect(back.headers.get('location')).toBe('/');
    }
  });

  it('a forged or missing session cookie is 401', async () => {
    const cookie = await signInWithOAuth(demo, 'bob');
    const [name, token] = cookie.split('=') as [string, string];
    const [payload, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, openid: openidOf('alice') })).toString(
      'base64url',
    );
    for (const headers of [{ cookie: `${name}=${forged}.${mac}` }, {} as Record<string, string>]) {
      const answer = await json(`${demo.url}/api/session`, { headers });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('SESSION_INVALID');
    }
  });

  it('jssdk config: signed for our page without its #fragment, verified by WeChat; the ticket is fetched once', async () => {
    const page = `${demo.url}/jsapi?from=menu&x=%E4%B8%AD`;
    for (const url of [`${page}#/cart`, page]) {
      const answer = await json<Record<string, unknown>>(
        `${demo.url}/api/jssdk/config?url=${encodeURIComponent(url)}`,
      );
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body).sort()).toEqual(['appId', 'nonceStr', 'signature', 'timestamp']);
      expect(answer.body.appId).toBe(demo.simulator.merchant.appid);
      const check = await json(`${demo.simulator.url}/_sim/platform/jssdk/verify`, {
        method: 'POST',
        body: JSON.stringify({ ...answer.body, url: page }),
      });
      expect(check.body).toEqual({ valid: true });
    }
    const after = await platformUsage(demo);
    expect(after.getticket).toBe(1);
    expect(after.stable_token).toBe(1);
  });

  it('jssdk config refuses pages of other domains', async () => {
    for (const url of [
      'https://evil.example/jsapi',
      'javascript:alert(1)',
      '/jsapi',
      'http://127.0.0.2:1/',
    ]) {
      const answer = await json(`${demo.url}/api/jssdk/config?url=${encodeURIComponent(url)}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('URL_NOT_ALLOWED');
    }
  });
});
