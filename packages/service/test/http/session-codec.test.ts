import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/http/routes/wechat-auth-routes.js';
import { SessionCodec } from '../../src/http/session-codec.js';

const SECRET = 'a-session-secret-of-32-characters!!';

describe('SessionCodec', () => {
  let now = Date.UTC(2026, 0, 1);
  const codec = new SessionCodec(SECRET, () => now);
  const web = { appid: 'wxapp', openid: 'o-bob' };

  it('decodes its own token, of the same kind, until it expires', () => {
    const { token, exp } = codec.encode('web', web, 60_000);
    expect(exp).toBe(now + 60_000);
    expect(codec.decode('web', token)).toMatchObject({ ...web, kind: 'web', exp });
    expect(codec.decode('mp', token)).toBeUndefined();
    now += 60_000;
    expect(codec.decode('web', token)).toBeUndefined();
  });

  it('refuses a changed payload, a changed or truncated MAC, another secret and garbage', () => {
    const { token } = codec.encode('web', web, 60_000);
    const [payload, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const other = Buffer.from(JSON.stringify({ ...claims, openid: 'o-alice' })).toString('base64url');
    const forgedByOtherKey = new SessionCodec(`${SECRET}x`, () => now).encode('web', web, 60_000).token;
    for (const bad of [
      `${other}.${mac}`,
      `${payload}.${mac.slice(0, -2)}`,
      `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      forgedByOtherKey,
      '',
      '.',
      'no-dot',
      undefined,
    ]) {
      expect(codec.decode('web', bad)).toBeUndefined();
    }
  });

  it('needs a secret of at least 32 characters', () => {
    expect(() => new SessionCodec('short')).toThrow(/32/);
  });
});

describe('safeReturnTo', () => {
  it('keeps paths of this site and replaces anything that could leave it', () => {
    for (const local of ['/jsapi?x=1', '/', '/jsapi/%E4%B8%AD?a=b&c=%2F%2F', "/a-b_c.d~!$&'()*+,;=:@"]) {
      expect(safeReturnTo(local)).toBe(local);
    }
    for (const evil of [
      undefined,
      '',
      'jsapi',
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '/a\nb',
      '/jsapi/中文',
      '/jsapi\u007f',
      '/jsapi\u2028',
      '/\u3000//evil.example',
      '/%zz',
    ]) {
      expect(safeReturnTo(evil)).toBe('/');
    }
  });
});
