import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import {
  json,
  postgresSkipReason,
  REDIS_URL,
  redisSkipReason,
  startTestDemo,
  type TestDemo,
  type TestEngine,
} from './demo-harness.js';
import { platformUsage } from './wechat-sign-in.js';

const skipPostgres = await postgresSkipReason();
const skipRedis = await redisSkipReason();

const setups: [string, TestEngine, 'database' | 'redis'][] = [
  ['database cache on one SQLite file', 'sqlite', 'database'],
  ['database cache on one PostgreSQL schema', 'postgres', 'database'],
  ['Redis cache', 'sqlite', 'redis'],
];

/**
 * Two service instances of one merchant: WeChat keeps one live access_token per app, so they must
 * fetch it (and the jsapi_ticket) once between them, and recover together when it is revoked.
 */
describe.each(setups)('two service instances sharing the %s', (_title, engine, tokenCache) => {
  const skip = (engine === 'postgres' && !!skipPostgres) || (tokenCache === 'redis' && !!skipRedis);
  const redisPrefix = `test:${randomBytes(6).toString('hex')}:`;
  let demo: TestDemo;
  let second: ServiceApp;
  let urls: string[];

  const config = async (base: string, page: string) => {
    const answer = await json<Record<string, unknown>>(
      `${base}/api/jssdk/config?url=${encodeURIComponent(page)}`,
    );
    expect(answer.status).toBe(200);
    const check = await json(`${demo.simulator.url}/_sim/platform/jssdk/verify`, {
      method: 'POST',
      body: JSON.stringify({ ...answer.body, url: page }),
    });
    expect(check.body).toEqual({ valid: true });
  };

  beforeAll(async () => {
    if (skip) return;
    demo = await startTestDemo(engine, {
      tokenCache,
      redisUrl: tokenCache === 'redis' ? REDIS_URL : undefined,
      redisPrefix,
    });
    second = await createServiceApp(
      { ...demo.service.config, port: 0 },
      {
        clock: { now: () => new Date(demo.simulator.ctx.clock.now()) },
        databaseSchema: demo.schema,
        redisPrefix,
      },
    );
    urls = [demo.url, await second.start()];
  });
  afterAll(async () => {
    await second?.stop();
    await demo?.cleanup();
  });

  it.skipIf(skip)(
    '16 concurrent wx.config requests over both instances fetch one token and one ticket',
    async () => {
      expect(await platformUsage(demo)).toMatchObject({ stable_token: 0, getticket: 0 });
      const page = `${demo.url}/jsapi`;
      await Promise.all(Array.from({ length: 16 }, (_, i) => config(urls[i % 2]!, `${page}?n=${i}`)));
      expect(await platformUsage(demo)).toMatchObject({ stable_token: 1, getticket: 1 });
      // Both instances hold the very same credentials.
      expect(await second.platform!.tokens.getToken()).toBe(await demo.service.platform!.tokens.getToken());
    },
  );

  it.skipIf(skip)('a token revoked elsewhere (40001) is replaced once, and signing works again', async () => {
    const m = demo.simulator.merchant;
    const revoked = await demo.service.platform!.tokens.getToken();
    // Someone else force-refreshes the stable token: WeChat revokes the one in our cache at once.
    const forced = await json<{ access_token: string }>(`${demo.simulator.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: m.appid,
        secret: m.appSecret,
        force_refresh: true,
      }),
    });
    expect(forced.body.access_token).toBeTruthy();
    expect(forced.body.access_token).not.toBe(revoked);
    // The ticket is due for renewal (an operator dropped it), so the next page needs the revoked token.
    await demo.service.platform!.tickets.invalidate(await demo.service.platform!.tickets.getTicket());
    const before = await platformUsage(demo);

    await Promise.all([
      config(urls[1]!, `${demo.url}/jsapi?after=revoke`),
      config(urls[0]!, `${demo.url}/jsapi`),
    ]);

    const after = await platformUsage(demo);
    expect(after.stable_token! - before.stable_token!).toBe(1);
    expect(await demo.service.platform!.tokens.getToken()).toBe(forced.body.access_token);
    expect(await second.platform!.tokens.getToken()).toBe(forced.body.access_token);
  });
});
