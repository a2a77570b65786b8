import { MiniProgramClient, OAuthClient, type WechatPlatformError } from '@wechatpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { caught } from './support/platform-sim.js';
import { usePlatformSim } from './support/use-platform-sim.js';

const p = usePlatformSim();

/** `wx.login()` in the simulated mini-program. */
async function wxLogin(user: string, appid = p.mini.appid): Promise<string> {
  const answer = await p.post('/_sim/platform/login-code', { appid, user });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ appid, user, expires_in: 300 });
  return answer.json.code as string;
}

function miniProgram(app = p.mini): MiniProgramClient {
  return new MiniProgramClient({ ...app, client: p.client });
}

async function errcodeOf(promise: Promise<unknown>): Promise<number> {
  return ((await caught(() => promise)) as WechatPlatformError).errcode;
}

async function patchSettings(body: Record<string, unknown>) {
  expect((await p.send('PATCH', '/_sim/platform/settings', { body: JSON.stringify(body) })).status).toBe(200);
}

describe('jscode2session', () => {
  it("turns a wx.login code into the user's openid, a session_key and the merchant-wide unionid", async () => {
    const session = await miniProgram().code2Session(await wxLogin('alice'));
    expect(session.openid).toBe(p.sim.ctx.users.openid('alice', p.mini.appid));
    expect(Buffer.from(session.session_key, 'base64')).toHaveLength(16);

    const oauth = new OAuthClient({ ...p.oa, client: p.client });
    const code = (
      await p.post('/_sim/platform/oauth-code', {
        appid: p.oa.appid,
        user: 'alice',
        scope: 'snsapi_userinfo',
      })
    ).json.code as string;
    const web = await oauth.exchangeCode(code);
    expect(web.openid).not.toBe(session.openid);
    expect(web.unionid).toBe(session.unionid);
  });

  it('refuses a used (40163), expired or unknown (40029) code', async () => {
    const client = miniProgram();
    const code = await wxLogin('bob');
    await client.code2Session(code);
    expect(await errcodeOf(client.code2Session(code))).toBe(40163);
    const late = await wxLogin('bob');
    p.advance(300);
    expect(await errcodeOf(client.code2Session(late))).toBe(40029);
    expect(await errcodeOf(client.code2Session('0'.repeat(32)))).toBe(40029);
  });

  it('checks the app: mini-program appid, its AppSecret (never echoed), all parameters', async () => {
    const wrong = 'Wr0ngSecretWr0ngSecretWr0ngSecre';
    const code = await wxLogin('carol');
    const query = {
      appid: p.mini.appid,
      secret: p.mini.secret,
      js_code: code,
      grant_type: 'authorization_code',
    };
    const answer = await p.get('/sns/jscode2session', { ...query, secret: wrong });
    expect(answer.json.errcode).toBe(40125);
    expect(answer.text).not.toContain(wrong);
    expect(answer.text).not.toContain(p.mini.secret);
    expect(await errcodeOf(miniProgram(p.oa).code2Session(code))).toBe(40013);
    const errcode = async (q: Record<string, string>) => (await p.get('/sns/jscode2session', q)).json.errcode;
    expect(await errcode({ ...query, js_code: '' })).toBe(41008);
    expect(await errcode({ ...query, grant_type: 'client_credential' })).toBe(40002);
    // None of those refusals consumed the code.
    expect((await miniProgram().code2Session(code)).openid).toBe(
      p.sim.ctx.users.openid('carol', p.mini.appid),
    );
  });

  it('blocks a user flagged risky (40226)', async () => {
    await patchSettings({ riskyUsers: ['carol'] });
    try {
      const err = await caught(() => wxLogin('carol').then((code) => miniProgram().code2Session(code)));
      expect((err as WechatPlatformError).errcode).toBe(40226);
      expect((err as Error).message).toContain('code blocked');
      await miniProgram().code2Session(await wxLogin('alice'));
    } finally {
      await patchSettings({ riskyUsers: [] });
    }
  });

  it('limits logins per user per minute (45011) without burning the code', async () => {
    await patchSettings({ quotas: { jscode2sessionPerUserPerMinute: 2 } });
    try {
      const client = miniProgram();
      await client.code2Session(await wxLogin('bob'));
      await client.code2Session(await wxLogin('bob'));
      const third = await wxLogin('bob');
      expect(await errcodeOf(client.code2Session(third))).toBe(45011);
      await client.code2Session(await wxLogin('alice'));
      p.advance(60);
      expect((await client.code2Session(third)).openid).toBe(p.sim.ctx.users.openid('bob', p.mini.appid));
    } finally {
      await patchSettings({ quotas: { jscode2sessionPerUserPerMinute: 100 } });
    }
  });
});

describe('/_sim/platform/login-code', () => {
  it('explains what is wrong with the request', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ appid: p.mini.appid, user: 'mallory' }, 404, 'USER_NOT_FOUND'],
      [{ appid: 'wx0000000000000000', user: 'alice' }, 404, 'APP_NOT_FOUND'],
      [{ appid: p.oa.appid, user: 'alice' }, 400, 'PARAM_ERROR'],
      [{ user: 'alice' }, 400, 'PARAM_ERROR'],
      ['appid=x', 400, 'PARAM_ERROR'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await p.post('/_sim/platform/login-code', body);
      expect([answer.status, answer.json.code]).toEqual([status, code]);
      expect(answer.json.message).toEqual(expect.any(String));
    }
  });

  it('refuses bad settings with the field named', async () => {
    const answer = await p.send('PATCH', '/_sim/platform/settings', {
      body: JSON.stringify({ quotas: { tokens: 5 } }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('unknown quota "tokens"');
    const negative = await p.send('PATCH', '/_sim/platform/settings', {
      body: JSON.stringify({ quotas: { token: -1 } }),
    });
    expect(negative.json.message).toContain('non-negative integer');
  });
});
