import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatPayConfigError, WechatPlatformError } from '../../src/errors.js';
import {
  AccessTokenProvider,
  type AccessTokenProviderOptions,
} from '../../src/platform/access-token-provider.js';
import { type CachedToken, MemoryTokenCache, type TokenCache } from '../../src/platform/token-cache.js';
import { APP, caught, errorText, type PlatformFixture, startPlatform } from './support/platform-fixture.js';

let p: PlatformFixture;
beforeEach(async () => {
  p = await startPlatform();
});
afterEach(async () => {
  await p.close();
});

function provider(options: Partial<AccessTokenProviderOptions> = {}): AccessTokenProvider {
  return new AccessTokenProvider({ ...APP, client: p.client, now: p.clock.now, ...options });
}

/** Calls an API that needs a valid access_token, as application code would. */
function callApi(tokens: AccessTokenProvider) {
  return tokens.withAccessToken((token) =>
    p.client.get<{ ip_list: string[] }>('/cgi-bin/get_api_domain_ip', { access_token: token }),
  );
}

/** A cache without the optional lock, as a plain key-value store would be: in-process sharing alone. */
class LocklessCache implements TokenCache {
  readonly entries = new Map<string, CachedToken>();
  async get(key: string) {
    return this.entries.get(key);
  }
  async set(key: string, token: CachedToken) {
    this.entries.set(key, token);
  }
  async delete(key: string, ifValue?: string) {
    if (ifValue !== undefined && this.entries.get(key)?.value !== ifValue) return false;
    return this.entries.delete(key);
  }
}

const MODES = [
  { name: 'stable_token', useStableToken: true, path: '/cgi-bin/stable_token' },
  { name: 'cgi-bin/token', useStableToken: false, path: '/cgi-bin/token' },
] as const;

describe.each(MODES)('AccessTokenProvider with $name', ({ useStableToken, path }) => {
  it('fetches once and then serves the cached token', async () => {
    const tokens = provider({ useStableToken });
    const first = await tokens.getToken();
    expect(p.fake.tokenState(first)).toBe('valid');
    expect(await tokens.getToken()).toBe(first);
    expect(p.fake.count(path)).toBe(1);
  });

  it('collapses 50 concurrent callers into one fetch, without relying on a cache lock', async () => {
    const tokens = provider({ useStableToken, cache: new LocklessCache() });
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(results).size).toBe(1);
    expect(p.fake.count(path)).toBe(1);
  });

  it('shares one fetch between two providers on the same cache, even when they race', async () => {
    const cache = new MemoryTokenCache();
    const a = provider({ useStableToken, cache, pollIntervalMs: 5 });
    const b = provider({ useStableToken, cache, pollIntervalMs: 5 });
    const [ta, tb] = await Promise.all([a.getToken(), b.getToken()]);
    expect(ta).toBe(tb);
    expect(await b.getToken()).toBe(ta);
    expect(p.fake.count(path)).toBe(1);
    expect(p.fake.tokenState(ta)).toBe('valid');
  });

  it('renews the token once it is within the refresh margin, not before', async () => {
    const tokens = provider({ useStableToken, refreshMarginSeconds: 300 });
    const first = await tokens.getToken();
    p.clock.advance((7200 - 301) * 1000);
    expect(await tokens.getToken()).toBe(first);
    expect(p.fake.count(path)).toBe(1);
    p.clock.advance(2000);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(p.fake.tokenState(second)).toBe('valid');
    expect(p.fake.count(path)).toBe(2);
  });

  it('shares a failed fetch with every waiting caller instead of hammering WeChat', async () => {
    const tokens = provider({
      useStableToken,
      secret: 'WrongSecretWrongSecretWrongSecret',
      cache: new LocklessCache(),
    });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => tokens.getToken()));
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as WechatPlatformError).errcode === 40125),
    ).toBe(true);
    expect(p.fake.count(path)).toBe(1);
  });

  it('replaces a token WeChat rejects (40001) and retries the call once', async () => {
    const tokens = provider({ useStableToken });
    const first = await tokens.getToken();
    p.fake.failNext('/cgi-bin/get_api_domain_ip', { body: { errcode: 40001, errmsg: 'invalid credential' } });
    if (useStableToken) {
      // Someone force-refreshed the stable token elsewhere: ours is dead, WeChat's current one is new.
      await p.client.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        ...APP,
        force_refresh: true,
      });
    } else {
      // Someone called cgi-bin/token elsewhere, revoking ours.
      await p.client.get('/cgi-bin/token', { grant_type: 'client_credential', ...APP });
    }
    expect(p.fake.tokenState(first)).toBe('revoked');
    await expect(callApi(tokens)).resolves.toEqual({ ip_list: ['127.0.0.1'] });
    expect(p.fake.count('/cgi-bin/get_api_domain_ip')).toBe(2);
    const now = await tokens.getToken();
    expect(now).not.toBe(first);
    expect(p.fake.tokenState(now)).toBe('valid');
  });

  it('retries only once when the fresh token is refused too', async () => {
    const tokens = provider({ useStableToken });
    const refused = { body: { errcode: 42001, errmsg: 'access_token expired' } };
    p.fake.failNext('/cgi-bin/get_api_domain_ip', refused, refused, refused);
    const err = await caught(() => callApi(tokens));
    expect((err as WechatPlatformError).errcode).toBe(42001);
    expect(p.fake.count('/cgi-bin/get_api_domain_ip')).toBe(2);
  });

  it('does not retry errors that are not about the token', async () => {
    const tokens = provider({ useStableToken });
    p.fake.failNext('/cgi-bin/get_api_domain_ip', { body: { errcode: 48001, errmsg: 'api unauthorized' } });
    await expect(callApi(tokens)).rejects.toMatchObject({ errcode: 48001 });
    expect(p.fake.count('/cgi-bin/get_api_domain_ip')).toBe(1);
    expect(p.fake.count(path)).toBe(1);
  });

  it('keeps the secret out of errors even when WeChat echoes the request', async () => {
    p.fake.echoRequestInErrors = true;
    const secret = 'TheRealButMistypedSecret00000000';
    const err = await caught(() => provider({ useStableToken, secret }).getToken());
    expect(err).toBeInstanceOf(WechatPlatformError);
    expect(errorText(err)).not.toContain(secret);
  });
});

describe('AccessTokenProvider invalidation', () => {
  it('does not delete a newer token when an old one is reported', async () => {
    const cache = new MemoryTokenCache();
    const tokens = provider({ useStableToken: false, cache, cacheKey: 'k' });
    const old = await tokens.getToken();
    await cache.set('k', { value: 'newer-token', expiresAt: p.clock.now() + 7_200_000 });
    await tokens.invalidate(old);
    expect(await tokens.getToken()).toBe('newer-token');
    expect(p.fake.count('/cgi-bin/token')).toBe(1);
    await tokens.invalidate('newer-token');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('a second caller reporting the same dead token reuses the replacement', async () => {
    const tokens = provider({ useStableToken: false });
    await tokens.getToken();
    await p.client.get('/cgi-bin/token', { grant_type: 'client_credential', ...APP });
    const calls = await Promise.all([callApi(tokens), callApi(tokens), callApi(tokens)]);
    expect(calls).toHaveLength(3);
    // One original fetch, one outsider's, one replacement: not one per caller.
    expect(p.fake.count('/cgi-bin/token')).toBe(3);
  });

  it('spends a stable-token force refresh only when the ordinary fetch returns the refused token', async () => {
    const tokens = provider({ useStableToken: true });
    const first = await tokens.getToken();
    // WeChat refuses a token it still hands out in ordinary mode (e.g. after a leak was reported).
    p.fake.failNext('/cgi-bin/get_api_domain_ip', { body: { errcode: 40001, errmsg: 'invalid credential' } });
    await expect(callApi(tokens)).resolves.toEqual({ ip_list: ['127.0.0.1'] });
    const forced = p.fake.requests.filter(
      (r) => r.path === '/cgi-bin/stable_token' && r.body?.force_refresh === true,
    );
    expect(forced).toHaveLength(1);
    expect(p.fake.tokenState(first)).toBe('revoked');
    expect(p.fake.tokenState(await tokens.getToken())).toBe('valid');
  });

  it('does not hand back the refused token from a refresh that was already under way', async () => {
    const tokens = provider({ useStableToken: true, refreshMarginSeconds: 1000 });
    const first = await tokens.getToken();
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const seen: string[] = [];
    const call = tokens.withAccessToken(async (token) => {
      seen.push(token);
      if (seen.length === 1) {
        entered();
        await gate;
        throw new WechatPlatformError(40001, 'invalid credential');
      }
      return token;
    });
    await inside;
    // Within the margin but with 900 s left: an ordinary refresh starts and WeChat returns the same token.
    p.clock.advance(6300 * 1000);
    const plain = tokens.getToken();
    release();
    const used = await call;
    expect(await plain).toBe(first);
    expect(seen).toHaveLength(2);
    expect(used).not.toBe(first);
    expect(p.fake.tokenState(used)).toBe('valid');
  });

  it('does not force-refresh when the ordinary fetch already yields a new token', async () => {
    const tokens = provider({ useStableToken: true });
    await tokens.getToken();
    await p.client.post('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      ...APP,
      force_refresh: true,
    });
    await callApi(tokens);
    const mine = p.fake.requests.filter((r) => r.path === '/cgi-bin/stable_token');
    expect(mine.map((r) => r.body?.force_refresh)).toEqual([false, true, false]);
  });
});

describe('AccessTokenProvider across processes', () => {
  it('two providers with separate caches revoke each other under cgi-bin/token (why caches are shared)', async () => {
    const a = provider({ useStableToken: false });
    const b = provider({ useStableToken: false });
    const ta = await a.getToken();
    await b.getToken();
    expect(p.fake.tokenState(ta)).toBe('revoked');
    await expect(callApi(a)).resolves.toBeDefined();
  });

  it('fetches by itself when another holder keeps the lock without ever storing a token', async () => {
    const cache = new MemoryTokenCache();
    const release = await cache.lock('shared', 60_000);
    expect(release).toBeDefined();
    const tokens = provider({ cache, cacheKey: 'shared', lockWaitMs: 20, pollIntervalMs: 5 });
    expect(p.fake.tokenState(await tokens.getToken())).toBe('valid');
    expect(p.fake.count('/cgi-bin/stable_token')).toBe(1);
    await release!();
  });

  it('takes a token another process stored while it waited for the lock', async () => {
    const cache = new MemoryTokenCache();
    const release = await cache.lock('shared', 60_000);
    const tokens = provider({ cache, cacheKey: 'shared', lockWaitMs: 5_000, pollIntervalMs: 5 });
    const pending = tokens.getToken();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let it find the lock taken and start polling
    await cache.set('shared', { value: 'stored-by-other-process', expiresAt: p.clock.now() + 7_200_000 });
    await release!();
    expect(await pending).toBe('stored-by-other-process');
    expect(p.fake.count('/cgi-bin/stable_token')).toBe(0);
  });
});

describe('AccessTokenProvider configuration', () => {
  it('rejects a missing appid or secret with a typed error', () => {
    expect(() => new AccessTokenProvider({ appid: APP.appid, secret: '' })).toThrow(WechatPayConfigError);
    expect(() => new AccessTokenProvider({ appid: '  ', secret: APP.secret })).toThrow(WechatPayConfigError);
    expect(() => new AccessTokenProvider({ ...APP, secret: undefined as unknown as string })).toThrow(
      WechatPayConfigError,
    );
  });

  it('rejects a negative refresh margin', () => {
    expect(() => provider({ refreshMarginSeconds: -1 })).toThrow(WechatPayConfigError);
  });

  it('does not expose the secret on the provider', () => {
    const tokens = provider();
    expect(JSON.stringify(tokens)).not.toContain(APP.secret);
    expect(Object.values(tokens)).not.toContain(APP.secret);
  });
});
