import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAbuseLimits } from '../../src/config/abuse-limits-config.js';
import { loadServiceConfig, ServiceConfigError } from '../../src/config/service-config.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-config-'));
const keyPath = join(dir, 'apiclient_key.pem');
const pubPath = join(dir, 'pub_key.pem');
writeFileSync(keyPath, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
writeFileSync(pubPath, '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n');

const SECRET_V2 = 'S'.repeat(32);
const SECRET_V3 = 'T'.repeat(32);
const env: Record<string, string> = {
  WECHATPAY_MCHID: '1900000109',
  WECHATPAY_APPID: 'wxd678efh567hg6787',
  WECHATPAY_API_KEY: SECRET_V2,
  WECHATPAY_APIV3_KEY: SECRET_V3,
  WECHATPAY_SERIAL_NO: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY_PATH: keyPath,
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025',
  WECHATPAY_PUBLIC_KEY_PATH: pubPath,
  ADMIN_TOKEN: 'a-long-enough-admin-token',
};

function failure(overrides: Record<string, string | undefined>): ServiceConfigError {
  try {
    loadServiceConfig({ ...env, ...overrides });
  } catch (error) {
    if (error instanceof ServiceConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadServiceConfig', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the admin session cookie Secure over https or in production, not for the plain-HTTP default', () => {
    expect(loadServiceConfig(env).secureCookies).toBe(false);
    expect(loadServiceConfig({ ...env, PUBLIC_URL: 'https://shop.example.com' }).secureCookies).toBe(true);
    expect(loadServiceConfig({ ...env, NODE_ENV: 'production' }).secureCookies).toBe(true);
  });

  it('reads a complete environment with the documented defaults', () => {
    const config = loadServiceConfig(env);
    expect(config).toMatchObject({
      port: 3000,
      orderTtlMinutes: 15,
      publicUrl: 'http://127.0.0.1:3000',
      prepayDeadlineMs: 5_000,
      jobConcurrency: 10,
    });
    expect(config.wechat.apiVersion).toBe('v3');
    expect(config.wechat.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(config.wechat.certificatePem).toBeUndefined();
  });

  it('reads the prepay deadline and the job concurrency', () => {
    const config = loadServiceConfig({ ...env, PREPAY_DEADLINE_MS: '2500', JOB_CONCURRENCY: '4' });
    expect(config).toMatchObject({ prepayDeadlineMs: 2_500, jobConcurrency: 4 });
  });

  it('reads the shutdown delay (0 by default) and refuses one that is no whole number of ms', () => {
    expect(loadServiceConfig(env).shutdownDelayMs).toBe(0);
    expect(loadServiceConfig({ ...env, SHUTDOWN_DELAY_MS: '3000' }).shutdownDelayMs).toBe(3_000);
    expect(() => loadServiceConfig({ ...env, SHUTDOWN_DELAY_MS: 'soon' })).toThrow(/SHUTDOWN_DELAY_MS/);
  });

  it('reads the PostgreSQL pool size from DATABASE_POOL_SIZE (10 by default)', () => {
    expect(loadServiceConfig(env).databasePoolSize).toBe(10);
    expect(loadServiceConfig({ ...env, DATABASE_POOL_SIZE: '32' }).databasePoolSize).toBe(32);
  });

  it('reads the statement timeout from DATABASE_STATEMENT_TIMEOUT_MS (unset: the server decides)', () => {
    expect(loadServiceConfig(env).databaseStatementTimeoutMs).toBeUndefined();
    expect(
      loadServiceConfig({ ...env, DATABASE_STATEMENT_TIMEOUT_MS: '30000' }).databaseStatementTimeoutMs,
    ).toBe(30_000);
    expect(loadServiceConfig({ ...env, DATABASE_STATEMENT_TIMEOUT_MS: '0' }).databaseStatementTimeoutMs).toBe(
      0,
    );
  });

  it('reads the mobile App appid of APP orders from WECHATPAY_APP_APPID (none by default)', () => {
    expect(loadServiceConfig(env).wechat.appAppid).toBeUndefined();
    expect(loadServiceConfig({ ...env, WECHATPAY_APP_APPID: 'wx0c0c03a1b2c3d4e5' }).wechat.appAppid).toBe(
      'wx0c0c03a1b2c3d4e5',
    );
  });

  it('reads the merchant certificate for v2 refunds from WECHATPAY_CERT_PATH', () => {
    const certPath = join(dir, 'apiclient_cert.pem');
    writeFileSync(certPath, '-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n');
    const config = loadServiceConfig({ ...env, WECHATPAY_CERT_PATH: certPath });
    expect(config.wechat.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['WECHATPAY_MCHID', { WECHATPAY_MCHID: undefined }],
    ['WECHATPAY_API_KEY', { WECHATPAY_API_KEY: 'short-secret' }],
    ['WECHATPAY_APIV3_KEY', { WECHATPAY_APIV3_KEY: `${SECRET_V3}x` }],
    ['WECHATPAY_PRIVATE_KEY_PATH', { WECHATPAY_PRIVATE_KEY_PATH: join(dir, 'missing.pem') }],
    ['WECHATPAY_PUBLIC_KEY_PATH', { WECHATPAY_PUBLIC_KEY_PATH: keyPath }],
    ['WECHATPAY_API_VERSION', { WECHATPAY_API_VERSION: 'v4' }],
    ['WECHATPAY_CERT_PATH', { WECHATPAY_CERT_PATH: keyPath }],
    ['PORT', { PORT: '70000' }],
    ['ORDER_TTL_MINUTES', { ORDER_TTL_MINUTES: '2' }],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }],
    ['PREPAY_DEADLINE_MS', { PREPAY_DEADLINE_MS: '100' }],
    ['PREPAY_DEADLINE_MS', { PREPAY_DEADLINE_MS: '3s' }],
    ['JOB_CONCURRENCY', { JOB_CONCURRENCY: '0' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' }],
    ['DATABASE_STATEMENT_TIMEOUT_MS', { DATABASE_STATEMENT_TIMEOUT_MS: '30s' }],
    ['DATABASE_STATEMENT_TIMEOUT_MS', { DATABASE_STATEMENT_TIMEOUT_MS: '-1' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://shop' }],
    ['WECHATPAY_API_KEY', { WECHATPAY_API_KEY: undefined, WECHATPAY_APIV3_KEY: undefined }],
    ['WECHATPAY_SERIAL_NO', { WECHATPAY_SERIAL_NO: undefined }],
    ['WECHATPAY_PUBLIC_KEY_ID', { WECHATPAY_PUBLIC_KEY_ID: undefined }],
    ['WECHATPAY_API_VERSION', { WECHATPAY_API_VERSION: 'v3', WECHATPAY_APIV3_KEY: undefined }],
    ['WECHATPAY_API_VERSION', { WECHATPAY_API_VERSION: 'v2', WECHATPAY_API_KEY: undefined }],
    ['WECHATPAY_APP_APPID', { WECHATPAY_APP_APPID: 'not-an-appid' }],
  ])('names %s when it is wrong, without printing a secret', (variable, overrides) => {
    const error = failure(overrides);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
    for (const secret of [SECRET_V2, SECRET_V3, `${SECRET_V3}x`, 'short-secret']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('takes a v2-only merchant: no v3 key, serial or public key needed; v2 by default', () => {
    const config = loadServiceConfig({
      ...env,
      WECHATPAY_APIV3_KEY: undefined,
      WECHATPAY_SERIAL_NO: undefined,
      WECHATPAY_PUBLIC_KEY_ID: undefined,
      WECHATPAY_PUBLIC_KEY_PATH: undefined,
      WECHATPAY_PRIVATE_KEY_PATH: undefined,
    });
    expect(config.wechat).toMatchObject({ apiVersion: 'v2', apiKey: SECRET_V2 });
    expect(config.wechat.apiV3Key).toBeUndefined();
    expect(config.wechat.privateKeyPem).toBeUndefined();
  });

  it('takes a v3-only merchant: no v2 API key needed', () => {
    const config = loadServiceConfig({ ...env, WECHATPAY_API_KEY: undefined });
    expect(config.wechat).toMatchObject({ apiVersion: 'v3', apiV3Key: SECRET_V3 });
    expect(config.wechat.apiKey).toBeUndefined();
  });

  it('reads the rate limits, the retention and METRICS_TOKEN; unset ones keep the defaults', () => {
    const config = loadServiceConfig({
      ...env,
      RATE_LIMIT_ORDERS: '30/1m',
      RATE_LIMIT_NOTIFY_FAILURES: 'off',
      UNVERIFIED_NOTIFICATION_RETENTION_DAYS: '7',
      METRICS_TOKEN: 'a-metrics-scrape-token',
    });
    expect(resolveAbuseLimits(config.limits)).toEqual({
      orders: { max: 30, windowMs: 60_000 },
      authFailures: { max: 10, windowMs: 900_000 },
      notifyFailures: { max: 0, windowMs: 60_000 },
      unverifiedStored: { max: 120, windowMs: 60_000 },
      maxClients: 10_000,
      unverifiedRetentionDays: 7,
    });
    expect(config.metricsToken).toBe('a-metrics-scrape-token');
    expect(failure({ RATE_LIMIT_AUTH_FAILURES: '10 per minute' }).variable).toBe('RATE_LIMIT_AUTH_FAILURES');
    expect(failure({ UNVERIFIED_NOTIFICATION_RETENTION_DAYS: '0' }).variable).toBe(
      'UNVERIFIED_NOTIFICATION_RETENTION_DAYS',
    );
    const short = failure({ METRICS_TOKEN: 'short-secret' });
    expect(short.variable).toBe('METRICS_TOKEN');
    expect(short.message).not.toContain('short-secret');
  });

  it('reads one webhook endpoint from WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_EVENTS', () => {
    expect(loadServiceConfig(env).webhooks).toEqual([]);
    const secret = 'whsec_a_long_enough_secret_0123';
    const config = loadServiceConfig({
      ...env,
      WEBHOOK_URL: 'https://erp.example.com/hooks/wechatpay',
      WEBHOOK_SECRET: secret,
      WEBHOOK_EVENTS: 'order.paid, refund.succeeded',
    });
    expect(config.webhooks).toEqual([
      {
        id: 'env',
        url: 'https://erp.example.com/hooks/wechatpay',
        secret,
        events: ['order.paid', 'refund.succeeded'],
      },
    ]);
    expect(failure({ WEBHOOK_URL: 'https://erp.example.com/h' }).variable).toBe('WEBHOOK_SECRET');
    expect(failure({ WEBHOOK_SECRET: secret }).variable).toBe('WEBHOOK_URL');
    expect(failure({ WEBHOOK_URL: 'ftp://erp', WEBHOOK_SECRET: secret }).variable).toBe('WEBHOOK_URL');
    const unknown = failure({
      WEBHOOK_URL: 'https://erp.example.com/h',
      WEBHOOK_SECRET: secret,
      WEBHOOK_EVENTS: 'order.payed',
    });
    expect(unknown.variable).toBe('WEBHOOK_EVENTS');
    expect(unknown.message).toContain('order.paid');
    const short = failure({
      WEBHOOK_URL: 'https://erp.example.com/h',
      WEBHOOK_SECRET: 'short-webhook-secret',
    });
    expect(short.variable).toBe('WEBHOOK_SECRET');
    expect(short.message).not.toContain('short-webhook-secret');
  });

  it('reads the merchant API keys from MERCHANT_API_KEYS (name:key, comma-separated), never echoing a key', () => {
    expect(loadServiceConfig(env).merchantApiKeys).toBeUndefined();
    const erp = 'mk_erp_0123456789abcdefghijkl';
    const till = 'mk_till:with:colons_0123456789';
    expect(
      loadServiceConfig({ ...env, MERCHANT_API_KEYS: ` erp:${erp} , till:${till}` }).merchantApiKeys,
    ).toEqual([
      { name: 'erp', key: erp },
      { name: 'till', key: till },
    ]);
    for (const value of [
      'erp:short-key',
      `:${erp}`,
      erp,
      `e r p:${erp}`,
      `erp:${erp},pos:${erp}`,
      `erp:${erp},erp:${till}`,
      `erp:${'x'.repeat(257)}`,
    ]) {
      const refused = failure({ MERCHANT_API_KEYS: value });
      expect(refused.variable, value).toBe('MERCHANT_API_KEYS');
      expect(refused.message).not.toContain(erp);
      expect(refused.message).not.toContain('short-key');
    }
  });

  it('reads how admin-added webhook endpoints are kept: WEBHOOK_ENCRYPTION_KEY, WEBHOOK_ALLOW_HTTP', () => {
    expect(loadServiceConfig(env).webhookStore).toEqual({});
    const key = 'k'.repeat(32);
    expect(
      loadServiceConfig({ ...env, WEBHOOK_ENCRYPTION_KEY: key, WEBHOOK_ALLOW_HTTP: 'true' }).webhookStore,
    ).toEqual({ encryptionKey: key, allowHttp: true });
    const short = failure({ WEBHOOK_ENCRYPTION_KEY: 'too-short-a-key' });
    expect(short.variable).toBe('WEBHOOK_ENCRYPTION_KEY');
    expect(short.message).not.toContain('too-short-a-key');
  });
});
