import { V3Client, WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../../../sdk/test/support/fixtures.js';
import {
  merchantClientOptions,
  type RunningSimulator,
  type SimMerchantConfig,
  startSimulator,
} from '../../src/index.js';
import { type ControlCall, controlClient } from './support/control-client.js';
import { outTradeNo, v3ClientFor } from './support/merchant-kit.js';

const SUPPLIED = {
  mchid: '1230000109',
  name: '自带密钥商户 Supplied keys',
  apiKey: fixtures.apiKey,
  apiV3Key: fixtures.apiV3Key,
  apps: [{ appid: fixtures.appid, secret: 'a'.repeat(32), kind: 'official-account', name: 'Fixture OA' }],
  credentials: {
    merchant: { privateKeyPem: fixtures.merchantKey, certificatePem: fixtures.merchantCert },
    platform: { privateKeyPem: fixtures.platformKey, certificatePem: fixtures.platformCert },
    publicKey: { id: fixtures.publicKeyId, privateKeyPem: fixtures.publicModeKey },
  },
};

describe('control API: health, merchants, users', () => {
  let sim: RunningSimulator;
  let call: ControlCall;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    call = controlClient(sim.url);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('reports health with the simulated time', async () => {
    const before = sim.ctx.clock.now();
    const { status, body } = await call('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', url: sim.url, merchants: 1 });
    expect(body.now).toBeGreaterThanOrEqual(before);
    expect(body.now).toBeLessThanOrEqual(sim.ctx.clock.now());
  });

  it('answers unknown control paths with 404 JSON naming the path', async () => {
    const { status, body } = await call('GET', '/no-such-thing');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'NOT_FOUND', message: 'no control API at GET /_sim/no-such-thing' });
  });

  it('lists merchants without secrets and serves the full config', async () => {
    const list = await call('GET', '/merchants');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ mchid: sim.merchant.mchid, v3SigningMode: 'public-key' }),
    ]);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(sim.merchant.apiKey);
    expect(text).not.toContain(sim.merchant.apiV3Key);
    expect(text).not.toContain('PRIVATE KEY');

    const config = await call<SimMerchantConfig>('GET', `/merchants/${sim.merchant.mchid}/config`);
    expect(config.status).toBe(200);
    expect(config.body).toEqual(sim.merchant);
    expect((await call('GET', '/merchants/1999999999/config')).status).toBe(404);
  });

  it('creates a merchant with generated keys that our SDK can use at once', async () => {
    const created = await call<SimMerchantConfig>('POST', '/merchants', {
      name: '新商户',
      v3SigningMode: 'certificates',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: '新商户', v3SigningMode: 'certificates', baseUrl: sim.url });
    const client = v3ClientFor(created.body, sim.url);
    try {
      const { code_url } = await client.transactions.native({
        appid: created.body.appid,
        description: 'generated keys',
        out_trade_no: outTradeNo(),
        notify_url: 'http://127.0.0.1:9/notify',
        amount: { total: 1 },
      });
      expect(code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    } finally {
      await client.close();
    }
  });

  it('exports SDK client options that work as they are, for either signing mode', async () => {
    for (const v3SigningMode of ['certificates', 'public-key'] as const) {
      const created = await call<SimMerchantConfig>('POST', '/merchants', { v3SigningMode });
      const options = merchantClientOptions(created.body);
      expect(options.v3.verification?.mode).toBe(v3SigningMode);
      const client = new V3Client({ ...options.v3, retry: false });
      try {
        const { code_url } = await client.transactions.native({
          appid: created.body.appid,
          description: `exported ${v3SigningMode}`,
          out_trade_no: outTradeNo(),
          notify_url: 'http://127.0.0.1:9/notify',
          amount: { total: 1 },
        });
        expect(code_url).toMatch(/^weixin:\/\//);
      } finally {
        await client.close();
      }
    }
  });

  it('creates a merchant with supplied keys and ids', async () => {
    const created = await call<SimMerchantConfig>('POST', '/merchants', SUPPLIED);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      mchid: SUPPLIED.mchid,
      appid: fixtures.appid,
      serialNo: fixtures.merchantSerial,
      platformSerialNo: fixtures.platformSerial,
      publicKeyId: fixtures.publicKeyId,
      apiKey: fixtures.apiKey,
    });
    const client = v3ClientFor({ ...created.body, privateKeyPem: fixtures.merchantKey }, sim.url);
    try {
      const order = await client.transactions.native({
        appid: fixtures.appid,
        description: 'supplied keys',
        out_trade_no: outTradeNo(),
        notify_url: 'http://127.0.0.1:9/notify',
        amount: { total: 2 },
      });
      expect(order.code_url).toBeTruthy();
    } finally {
      await client.close();
    }

    const again = await call('POST', '/merchants', { mchid: SUPPLIED.mchid });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'MERCHANT_EXISTS', message: 'merchant 1230000109 already exists' });
    const sameApp = await call('POST', '/merchants', { apps: SUPPLIED.apps });
    expect(sameApp.status).toBe(409);
    expect(sameApp.body.error).toBe('APPID_TAKEN');
  });

  it.each([
    ['malformed JSON', '{"mchid":', 'the body is not valid JSON'],
    ['a JSON array', '[]', 'the body must be a JSON object'],
    ['a short mchid', { mchid: '12' }, 'body field "mchid" must be 8–12 digits'],
    ['a short apiKey', { apiKey: 'short' }, 'body field "apiKey" must be 32 printable ASCII characters'],
    ['an unknown signing mode', { v3SigningMode: 'rsa' }, 'must be one of certificates, public-key'],
    ['a relative callback URL', { nativeCallbackUrl: '/cb' }, 'must be an http:// or https:// URL'],
    ['a bad appid', { apps: [{ appid: 'xx', secret: 'a'.repeat(32) }] }, '"appid" must be "wx" and 16'],
    [
      'half the credentials',
      { credentials: { merchant: SUPPLIED.credentials.merchant } },
      '"platform" is missing',
    ],
    [
      'a key that is not PEM',
      {
        credentials: {
          ...SUPPLIED.credentials,
          merchant: { privateKeyPem: 'nope', certificatePem: fixtures.merchantCert },
        },
      },
      'credentials.merchant.privateKeyPem must be a PEM private key',
    ],
    [
      'a key of another certificate',
      {
        credentials: {
          ...SUPPLIED.credentials,
          merchant: { privateKeyPem: fixtures.platformKey, certificatePem: fixtures.merchantCert },
        },
      },
      'credentials.merchant.privateKeyPem does not belong to credentials.merchant.certificatePem',
    ],
    [
      'a serial that is not the certificate’s',
      {
        credentials: {
          ...SUPPLIED.credentials,
          merchant: { ...SUPPLIED.credentials.merchant, serialNo: 'ABCDEF' },
        },
      },
      'credentials.merchant.serialNo ABCDEF is not the serial of its certificate',
    ],
  ])('refuses to create a merchant from %s with 400', async (_what, body, message) => {
    const before = (await call('GET', '/merchants')).body.length;
    const { status, body: answer } = await call('POST', '/merchants', body);
    expect(status).toBe(400);
    expect(answer.error).toBe('BAD_REQUEST');
    expect(answer.message).toContain(message);
    expect(JSON.stringify(answer)).not.toContain('PRIVATE KEY');
    expect((await call('GET', '/merchants')).body.length).toBe(before);
  });

  it('switches the v3 signing mode, and our SDK sees the new key', async () => {
    const { mchid } = sim.merchant;
    const patched = await call('PATCH', `/merchants/${mchid}`, { v3SigningMode: 'certificates' });
    expect(patched.status).toBe(200);
    expect(patched.body.v3SigningMode).toBe('certificates');

    const pinnedToPublicKey = v3ClientFor(sim.merchant, sim.url);
    try {
      const order = pinnedToPublicKey.transactions.native({
        appid: sim.merchant.appid,
        description: 'signed with the platform certificate now',
        out_trade_no: outTradeNo(),
        notify_url: 'http://127.0.0.1:9/notify',
        amount: { total: 1 },
      });
      await expect(order).rejects.toBeInstanceOf(WechatPaySignatureError);
      await expect(order).rejects.toMatchObject({ reason: 'unknown-serial' });
    } finally {
      await pinnedToPublicKey.close();
      await call('PATCH', `/merchants/${mchid}`, { v3SigningMode: 'public-key' });
    }
  });

  it('sets and clears the mode-1 callback URL, and refuses other changes', async () => {
    const path = `/merchants/${sim.merchant.mchid}`;
    const set = await call('PATCH', path, { nativeCallbackUrl: 'http://127.0.0.1:3000/api/native/callback' });
    expect(set.body.nativeCallbackUrl).toBe('http://127.0.0.1:3000/api/native/callback');
    const cleared = await call('PATCH', path, { nativeCallbackUrl: null });
    expect(cleared.body.nativeCallbackUrl).toBeUndefined();

    const renamed = await call('PATCH', path, { apiKey: 'x'.repeat(32) });
    expect(renamed.status).toBe(400);
    expect(renamed.body.message).toBe(
      'cannot change apiKey; changeable: v3SigningMode, nativeCallbackUrl, h5Domains',
    );
    expect((await call('PATCH', '/merchants/1999999999', { v3SigningMode: 'public-key' })).status).toBe(404);
  });

  it('lists users, with their openid in an app when asked', async () => {
    const plain = await call('GET', '/users');
    expect(plain.body.map((u: { id: string }) => u.id)).toEqual(['alice', 'bob', 'carol']);
    expect(plain.body[2]).toMatchObject({ balanceFen: 100, balanceText: '¥1.00' });

    const inApp = await call('GET', `/users?appid=${sim.merchant.appid}`);
    const alice = inApp.body.find((u: { id: string }) => u.id === 'alice');
    expect(alice.openid).toBe(sim.ctx.users.openid('alice', sim.merchant.appid));
    const inMini = await call('GET', `/users?appid=${sim.merchant.miniProgramAppid}`);
    expect(inMini.body[0].openid).not.toBe(alice.openid);
    expect((await call('GET', '/users?appid=wx0000000000000000')).status).toBe(404);
  });

  it('adds a user with a balance, and refuses duplicates and bad ids', async () => {
    const created = await call('POST', '/users', { id: 'dave', nickname: '戴夫 Dave', balanceFen: 250 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'dave',
      nickname: '戴夫 Dave',
      balanceFen: 250,
      balanceText: '¥2.50',
    });
    expect((await call('POST', '/users', { id: 'dave' })).status).toBe(409);
    const bad = await call('POST', '/users', { id: 'no spaces' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('body field "id" must be');
    const negative = await call('POST', '/users', { id: 'erin', balanceFen: -1 });
    expect(negative.body.message).toBe('body field "balanceFen" must be an integer ≥ 0');
    const fractional = await call('POST', '/users', { id: 'erin', balanceFen: 1.5 });
    expect(fractional.status).toBe(400);
  });
});
