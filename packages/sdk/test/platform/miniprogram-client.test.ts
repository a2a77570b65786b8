import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WechatPayConfigError,
  WechatPayFormatError,
  WechatPayValidationError,
  WechatPlatformError,
} from '../../src/errors.js';
import { MiniProgramClient } from '../../src/platform/miniprogram-client.js';
import { APP, caught, errorText, type PlatformFixture, startPlatform } from './support/platform-fixture.js';

let p: PlatformFixture;
let mini: MiniProgramClient;
beforeEach(async () => {
  p = await startPlatform();
  mini = new MiniProgramClient({ ...APP, client: p.client });
});
afterEach(async () => {
  await p.close();
});

describe('MiniProgramClient.code2Session', () => {
  it('exchanges a wx.login code for openid and session_key', async () => {
    const code = p.fake.issueJsCode(APP.appid, { openid: 'o_mini_1' });
    const session = await mini.code2Session(code);
    expect(session.openid).toBe('o_mini_1');
    expect(session.session_key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(session).not.toHaveProperty('unionid');
    expect(p.fake.requests.at(-1)!.query).toEqual({
      appid: APP.appid,
      secret: APP.secret,
      js_code: code,
      grant_type: 'authorization_code',
    });
  });

  it('passes unionid through when WeChat sends it', async () => {
    const code = p.fake.issueJsCode(APP.appid, { openid: 'o_mini_2', unionid: 'u_mini_2' });
    await expect(mini.code2Session(code)).resolves.toMatchObject({ openid: 'o_mini_2', unionid: 'u_mini_2' });
  });

  it.each([
    [45011, false],
    [40226, false],
    [-1, true],
  ])(
    'surfaces errcode %i as WechatPlatformError (retryable: %s) without retrying',
    async (errcode, retryable) => {
      const code = p.fake.issueJsCode(APP.appid, { openid: 'o_mini_3', errcode });
      const err = await caught(() => mini.code2Session(code));
      expect(err).toBeInstanceOf(WechatPlatformError);
      expect((err as WechatPlatformError).errcode).toBe(errcode);
      expect((err as WechatPlatformError).retryable).toBe(retryable);
      expect(p.fake.count('/sns/jscode2session')).toBe(1);
    },
  );

  it('reports an invalid or reused code', async () => {
    await expect(mini.code2Session('bogus')).rejects.toMatchObject({ errcode: 40029 });
    const code = p.fake.issueJsCode(APP.appid, { openid: 'o_mini_4' });
    await mini.code2Session(code);
    await expect(mini.code2Session(code)).rejects.toMatchObject({ errcode: 40163 });
  });

  it('keeps the secret out of errors, also for a wrong secret echoed back', async () => {
    p.fake.echoRequestInErrors = true;
    const wrong = new MiniProgramClient({
      appid: APP.appid,
      secret: 'NotTheSecretNotTheSecret00000000',
      client: p.client,
    });
    const err = await caught(() => wrong.code2Session('anything'));
    expect((err as WechatPlatformError).errcode).toBe(40125);
    expect(errorText(err)).not.toContain('NotTheSecretNotTheSecret00000000');
    const err2 = await caught(() => mini.code2Session('bogus'));
    expect(errorText(err2)).not.toContain(APP.secret);
  });

  it('refuses an answer without session_key', async () => {
    p.fake.failNext('/sns/jscode2session', { body: { openid: 'o_mini_5' } });
    await expect(mini.code2Session('x')).rejects.toBeInstanceOf(WechatPayFormatError);
  });

  it('rejects an empty code without calling WeChat', async () => {
    await expect(mini.code2Session('')).rejects.toBeInstanceOf(WechatPayValidationError);
    expect(() => new MiniProgramClient({ appid: APP.appid, secret: '' })).toThrow(WechatPayConfigError);
    expect(p.fake.requests).toHaveLength(0);
  });
});
