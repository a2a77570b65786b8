import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessTokenProvider,
  JsapiTicketProvider,
  MiniProgramClient,
  PlatformClient,
  WechatPayApiError,
  WechatPayTransportError,
  type WechatPlatformError,
} from '@wechatpay-kit/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { caught, startPlatformSim } from './support/platform-sim.js';
import { usePlatformSim } from './support/use-platform-sim.js';

describe('fault injection on platform APIs', () => {
  const p = usePlatformSim();

  it('answers SYSTEMERROR as errcode -1, which the SDK retries', async () => {
    const { oa } = await p.freshApps();
    p.sim.ctx.faults.addApiFault({ api: 'platform.token', kind: 'SYSTEMERROR', times: 1 });
    const raw = await p.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa });
    expect(raw.json.errcode).toBe(-1);
    expect(raw.json.errmsg).toMatch(/^system error/);

    p.sim.ctx.faults.addApiFault({ api: 'platform.token', kind: 'SYSTEMERROR', times: 1 });
    const retrying = new PlatformClient({ baseUrl: p.sim.url, retry: { retries: 2, baseDelayMs: 1 } });
    try {
      const tokens = new AccessTokenProvider({ ...oa, useStableToken: false, client: retrying, now: p.now });
      expect(await tokens.getToken()).toMatch(/^\d+_/);
    } finally {
      await retrying.close();
    }
  });

  it('answers HTTP 503 with a gateway page, and SLOW still answers correctly', async () => {
    const { oa } = await p.freshApps();
    const tokens = new AccessTokenProvider({ ...oa, useStableToken: true, client: p.client, now: p.now });
    const tickets = new JsapiTicketProvider({ tokenProvider: tokens, now: p.now });
    p.sim.ctx.faults.addApiFault({ api: 'platform.getticket', kind: 'HTTP_503', times: 1 });
    const err = await caught(() => tickets.getTicket());
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect((err as WechatPayApiError).code).toBe('HTTP_503');

    p.sim.ctx.faults.addApiFault({ api: 'platform.*', kind: 'SLOW', delayMs: 20, times: 1 });
    expect(await tickets.getTicket()).toMatch(/^[\w-]{80,}$/);
  });

  it('NO_ANSWER leaves the client to time out, and the unanswered code stays usable', async () => {
    const code = (await p.post('/_sim/platform/login-code', { appid: p.mini.appid, user: 'bob' })).json
      .code as string;
    const impatient = new PlatformClient({
      baseUrl: p.sim.url,
      retry: { retries: 0, baseDelayMs: 1 },
      timeoutMs: 300,
    });
    try {
      const client = new MiniProgramClient({ ...p.mini, client: impatient });
      p.sim.ctx.faults.addApiFault({ api: 'platform.jscode2session', kind: 'NO_ANSWER', times: 1 });
      const err = await caught(() => client.code2Session(code));
      expect(err).toBeInstanceOf(WechatPayTransportError);
      expect((await client.code2Session(code)).openid).toBe(p.sim.ctx.users.openid('bob', p.mini.appid));
    } finally {
      await impatient.close();
    }
  });

  it('shows a system-busy page on the authorize endpoint', async () => {
    p.sim.ctx.faults.addApiFault({ api: 'platform.authorize', kind: 'SYSTEMERROR', times: 1 });
    const page = await p.get('/connect/oauth2/authorize', {
      appid: p.oa.appid,
      redirect_uri: 'https://shop.example.com/cb',
      response_type: 'code',
      scope: 'snsapi_base',
      user: 'alice',
    });
    expect(page.status).toBe(200);
    expect(page.location).toBeNull();
    expect(page.text).toContain('系统繁忙');
  });
});

describe('platform state across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sim-platform-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps tokens, codes, quotas and counts, and stops cleanly with a request held by NO_ANSWER', async () => {
    const first = await startPlatformSim({ dataDir });
    const { oa, mini } = first;
    const token = (await first.get('/cgi-bin/token', { grant_type: 'client_credential', ...oa })).json
      .access_token as string;
    const stable = (await first.post('/cgi-bin/stable_token', { grant_type: 'client_credential', ...oa }))
      .json;
    const code = (await first.post('/_sim/platform/login-code', { appid: mini.appid, user: 'alice' })).json
      .code as string;
    await first.send('PATCH', '/_sim/platform/settings', { body: JSON.stringify({ quotas: { token: 7 } }) });
    first.sim.ctx.faults.addApiFault({ api: 'platform.userinfo', kind: 'NO_ANSWER', times: 1 });
    const held = fetch(`${first.sim.url}/sns/userinfo?access_token=x&openid=y`).catch((err: unknown) => err);
    while (first.sim.ctx.faults.apiFaults().length > 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await first.close();
    expect(await held).toBeInstanceOf(Error);

    const second = await startPlatformSim({ dataDir });
    try {
      expect(second.oa).toEqual(oa);
      expect((await second.get('/cgi-bin/get_api_domain_ip', { access_token: token })).json).toEqual({
        ip_list: ['127.0.0.1'],
      });
      const again = await second.post('/cgi-bin/stable_token', { grant_type: 'client_credential', ...oa });
      expect(again.json.access_token).toBe(stable.access_token);
      const session = await new MiniProgramClient({ ...mini, client: second.client }).code2Session(code);
      expect(session.openid).toBe(second.sim.ctx.users.openid('alice', mini.appid));
      const settings = (await second.get('/_sim/platform/settings')).json as {
        quotas: { token: number };
        usageToday: Record<string, { token: number }>;
      };
      expect(settings.quotas.token).toBe(7);
      expect(settings.usageToday[oa.appid]!.token).toBe(1);
      const reused = await caught(() =>
        new MiniProgramClient({ ...mini, client: second.client }).code2Session(code),
      );
      expect((reused as WechatPlatformError).errcode).toBe(40163);
    } finally {
      await second.close();
    }
  });
});
