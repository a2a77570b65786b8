import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest } from '../../src/core/http-client.js';
import {
  WechatPayApiError,
  WechatPayFormatError,
  WechatPayTransportError,
  WechatPlatformError,
} from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/platform-client.js';
import { APP, caught, errorText, type PlatformFixture, startPlatform } from './support/platform-fixture.js';

const TOKEN_QUERY = { grant_type: 'client_credential', appid: APP.appid, secret: APP.secret };

let p: PlatformFixture;
beforeEach(async () => {
  p = await startPlatform();
});
afterEach(async () => {
  await p.close();
});

describe('PlatformClient answers', () => {
  it('returns the parsed JSON of a successful answer', async () => {
    const answer = await p.client.get<{ access_token: string; expires_in: number }>(
      '/cgi-bin/token',
      TOKEN_QUERY,
    );
    expect(answer.expires_in).toBe(7200);
    expect(p.fake.tokenState(answer.access_token)).toBe('valid');
  });

  it('turns {errcode, errmsg} into WechatPlatformError keeping code, message and status', async () => {
    const err = await caught(() => p.client.get('/cgi-bin/get_api_domain_ip', { access_token: 'nope' }));
    expect(err).toBeInstanceOf(WechatPlatformError);
    const e = err as WechatPlatformError;
    expect(e.errcode).toBe(40001);
    expect(e.code).toBe('40001');
    expect(e.status).toBe(200);
    expect(e.tokenInvalid).toBe(true);
    expect(e.message).toContain('invalid credential');
  });

  it('treats errcode 0 with errmsg "ok" as success', async () => {
    p.fake.failNext('/cgi-bin/get_api_domain_ip', { body: { errcode: 0, errmsg: 'ok', ip_list: [] } });
    await expect(p.client.get('/cgi-bin/get_api_domain_ip', {})).resolves.toEqual({
      errcode: 0,
      errmsg: 'ok',
      ip_list: [],
    });
  });

  it('refuses a 200 answer that is not JSON, without retrying', async () => {
    p.fake.failNext('/cgi-bin/token', { body: '<html>maintenance</html>', contentType: 'text/html' });
    const err = await caught(() => p.client.get('/cgi-bin/token', TOKEN_QUERY));
    expect(err).toBeInstanceOf(WechatPayFormatError);
    expect(p.fake.count('/cgi-bin/token')).toBe(1);
  });
});

describe('PlatformClient retries', () => {
  it('retries errcode -1 (system busy) and succeeds', async () => {
    p.fake.failNext('/cgi-bin/token', { body: { errcode: -1, errmsg: 'system error' } });
    const answer = await p.client.get<{ access_token: string }>('/cgi-bin/token', TOKEN_QUERY);
    expect(p.fake.tokenState(answer.access_token)).toBe('valid');
    expect(p.fake.count('/cgi-bin/token')).toBe(2);
  });

  it('gives up after the policy’s retries and surfaces the -1', async () => {
    const busy = { body: { errcode: -1, errmsg: 'system error' } };
    p.fake.failNext('/cgi-bin/token', busy, busy, busy, busy);
    const err = await caught(() => p.client.get('/cgi-bin/token', TOKEN_QUERY));
    expect((err as WechatPlatformError).errcode).toBe(-1);
    expect((err as WechatPlatformError).retryable).toBe(true);
    expect(p.fake.count('/cgi-bin/token')).toBe(3);
  });

  it('retries a reset connection and a 502 from a proxy', async () => {
    p.fake.failNext('/cgi-bin/token', 'reset', {
      status: 502,
      body: 'Bad Gateway',
      contentType: 'text/plain',
    });
    await p.client.get('/cgi-bin/token', TOKEN_QUERY);
    expect(p.fake.count('/cgi-bin/token')).toBe(3);
  });

  it('does not retry when the call says so', async () => {
    p.fake.failNext('/cgi-bin/token', { body: { errcode: -1, errmsg: 'system error' } });
    await expect(p.client.get('/cgi-bin/token', TOKEN_QUERY, { retry: false })).rejects.toBeInstanceOf(
      WechatPlatformError,
    );
    expect(p.fake.count('/cgi-bin/token')).toBe(1);
  });

  it('does not retry business errors', async () => {
    await expect(p.client.get('/cgi-bin/token', { ...TOKEN_QUERY, secret: 'wrong' })).rejects.toMatchObject({
      errcode: 40125,
    });
    expect(p.fake.count('/cgi-bin/token')).toBe(1);
  });

  it('reports a persistent 5xx as a retryable API error with its status', async () => {
    const down = { status: 503, body: 'unavailable', contentType: 'text/plain' };
    p.fake.failNext('/cgi-bin/token', down, down, down);
    const err = await caught(() => p.client.get('/cgi-bin/token', TOKEN_QUERY));
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect((err as WechatPayApiError).status).toBe(503);
    expect((err as WechatPayApiError).retryable).toBe(true);
  });
});

describe('credentials never appear in errors', () => {
  it('masks the secret a server echoes back from the query string', async () => {
    p.fake.echoRequestInErrors = true;
    const wrongSecret = 'Wr0ngSecretValue+With/Special=Chars and space';
    const err = await caught(() => p.client.get('/cgi-bin/token', { ...TOKEN_QUERY, secret: wrongSecret }));
    expect((err as WechatPlatformError).errcode).toBe(40125);
    const text = errorText(err);
    expect(text).toContain('***');
    expect(text).not.toContain(wrongSecret);
    expect(text).not.toContain(encodeURIComponent(wrongSecret));
    expect(text).not.toContain('Wr0ngSecretValue%2BWith%2FSpecial%3DChars+and+space');
  });

  it('masks the secret a server echoes back from a POST body', async () => {
    p.fake.echoRequestInErrors = true;
    const err = await caught(() =>
      p.client.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: 'wx_unknown',
        secret: APP.secret,
      }),
    );
    expect((err as WechatPlatformError).errcode).toBe(40013);
    expect(errorText(err)).not.toContain(APP.secret);
  });

  it('masks an access_token echoed in an error', async () => {
    p.fake.echoRequestInErrors = true;
    const token = 'classic_0_deadbeefdeadbeefdeadbeef';
    const err = await caught(() => p.client.get('/cgi-bin/get_api_domain_ip', { access_token: token }));
    expect((err as WechatPlatformError).errcode).toBe(40001);
    expect(errorText(err)).not.toContain(token);
  });

  it('keeps the query string out of transport errors', async () => {
    const closed = new PlatformClient({ baseUrl: p.fake.url, retry: { retries: 0, baseDelayMs: 1 } });
    await p.fake.close();
    const err = await caught(() => closed.get('/cgi-bin/token', TOKEN_QUERY));
    await closed.close();
    expect(err).toBeInstanceOf(WechatPayTransportError);
    expect((err as WechatPayTransportError).url).toBe(`${p.fake.url}/cgi-bin/token`);
    expect(errorText(err)).not.toContain(APP.secret);
    p = await startPlatform(); // afterEach closes it
  });

  it('masks credentials a custom HttpClient puts in its own errors, URL and body alike', async () => {
    const leaky: HttpClient = {
      async request(req: HttpRequest) {
        throw new Error(`cannot reach ${req.url} with ${String(req.body)}`);
      },
    };
    const client = new PlatformClient({
      baseUrl: 'https://api.weixin.qq.com',
      http: leaky,
      retry: { retries: 0, baseDelayMs: 1 },
    });
    for (const call of [
      () => client.get('/cgi-bin/token', TOKEN_QUERY),
      () => client.post('/cgi-bin/stable_token', { ...TOKEN_QUERY, force_refresh: false }),
    ]) {
      const err = await caught(call);
      expect(err).toBeInstanceOf(WechatPayTransportError);
      expect((err as Error).message).toContain('***');
      expect(errorText(err)).not.toContain(APP.secret);
      expect((err as Error).cause).toBeUndefined();
    }
  });
});
