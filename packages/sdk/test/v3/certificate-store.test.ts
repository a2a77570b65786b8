import { afterEach, describe, expect, it } from 'vitest';
import {
  WechatPayApiError,
  WechatPayDecryptError,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '../../src/errors.js';
import type { V3Client } from '../../src/v3/v3-client.js';
import type { V3ClientOptions } from '../../src/v3/v3-client-options.js';
import { fixtures } from '../support/fixtures.js';
import type { FakeWechatV3, FakeWechatV3Options } from './support/fake-wechat-v3.js';
import { clientFor, extraCerts, nativeOrder, startFake } from './support/v3-test-kit.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function setup(
  fakeOptions: Partial<FakeWechatV3Options> = {},
  clientOptions: Partial<V3ClientOptions> = {},
): Promise<{ fake: FakeWechatV3; client: V3Client }> {
  const fake = await startFake(fakeOptions);
  opened.push(fake);
  const client = clientFor(fake, clientOptions);
  opened.push(client);
  return { fake, client };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

let seq = 0;
const tradeNo = () => `C${Date.now()}${++seq}`;

describe('PlatformCertificateStore', () => {
  it('downloads, decrypts and keeps the listed certificates by serial', async () => {
    const { fake, client } = await setup();
    const store = client.certificates!;
    expect(store.serials()).toEqual([]);
    expect(store.newest()).toBeUndefined();
    await store.refresh();
    expect(fake.certificateDownloads).toBe(1);
    expect(store.serials()).toEqual([fixtures.platformSerial]);
    expect(store.newest()).toMatchObject({
      serialNo: fixtures.platformSerial,
      pem: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    expect(store.get(fixtures.platformSerial)).toBeDefined();
    const request = fake.requests.find((r) => r.url === '/v3/certificates')!;
    expect(request.method).toBe('GET');
    expect(request.headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 /);
  });

  it('shares one download between concurrent refreshes', async () => {
    const { fake, client } = await setup();
    const store = client.certificates!;
    await Promise.all([store.refresh({ force: true }), store.refresh({ force: true }), store.refresh()]);
    expect(fake.certificateDownloads).toBe(1);
    await store.refresh({ force: true });
    expect(fake.certificateDownloads).toBe(2);
  });

  it('does not download again within minRefreshIntervalMs unless forced', async () => {
    const { fake, client } = await setup();
    await client.certificates!.refresh();
    await client.certificates!.refresh();
    expect(fake.certificateDownloads).toBe(1);
  });

  it('learns a rotated certificate when an answer names an unknown serial', async () => {
    const { fake, client } = await setup(
      {},
      { verification: { mode: 'certificates', minRefreshIntervalMs: 0 } },
    );
    await client.transactions.native(nativeOrder(tradeNo()));
    expect(fake.certificateDownloads).toBe(1);
    fake.certificates = [fixtures.platformCert, extraCerts.rotatedCert];
    fake.signer = { privateKey: extraCerts.rotatedKey, serial: extraCerts.rotatedSerial };
    await expect(client.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
    expect(fake.certificateDownloads).toBe(2);
    expect(client.certificates!.serials().sort()).toEqual(
      [fixtures.platformSerial, extraCerts.rotatedSerial].sort(),
    );
    expect(client.certificates!.newest()!.serialNo).toBe(extraCerts.rotatedSerial);
  });

  it('still refuses an unknown serial once a refresh did not reveal it', async () => {
    const { fake, client } = await setup(
      {},
      { verification: { mode: 'certificates', minRefreshIntervalMs: 0 } },
    );
    fake.signer = { privateKey: extraCerts.rotatedKey, serial: extraCerts.rotatedSerial };
    const err = await client.transactions.native(nativeOrder(tradeNo())).catch((e: unknown) => e);
    // The certificates answer itself is signed by a key it does not list: the download is refused.
    expect(err).toBeInstanceOf(WechatPaySignatureError);
    expect(err).toMatchObject({ reason: 'unknown-serial' });
    expect(client.certificates!.serials()).toEqual([]);
  });

  it('trusts a pinned certificate for the bootstrap', async () => {
    const { fake, client } = await setup(
      { signer: { privateKey: extraCerts.rotatedKey, serial: extraCerts.rotatedSerial } },
      { verification: { mode: 'certificates', pinned: [extraCerts.rotatedCert] } },
    );
    await expect(client.transactions.native(nativeOrder(tradeNo()))).resolves.toHaveProperty('code_url');
    expect(fake.certificateDownloads).toBe(0);
    await client.certificates!.refresh();
    expect(client.certificates!.serials().sort()).toEqual(
      [fixtures.platformSerial, extraCerts.rotatedSerial].sort(),
    );
  });

  it('drops expired certificates and prefers the newest one already in effect', async () => {
    const early = Date.parse('2026-12-01T00:00:00Z');
    const late = Date.parse('2027-01-15T00:00:00Z');
    const certificates = [fixtures.platformCert, extraCerts.shortCert];
    const a = await setup({ certificates, now: () => early }, { now: () => early });
    await a.client.certificates!.refresh();
    expect(a.client.certificates!.serials().sort()).toEqual(
      [fixtures.platformSerial, extraCerts.shortSerial].sort(),
    );
    expect(a.client.certificates!.newest()!.serialNo).toBe(extraCerts.shortSerial);

    const b = await setup({ certificates, now: () => late }, { now: () => late });
    await b.client.certificates!.refresh();
    expect(b.client.certificates!.serials()).toEqual([fixtures.platformSerial]);
    expect(b.client.certificates!.get(extraCerts.shortSerial)).toBeUndefined();
  });

  it('does not yet pick a certificate that is not in effect for encryption', async () => {
    const between = Date.parse('2026-11-22T18:53:00Z'); // after the fixture's, before the rotated one's notBefore
    const { client } = await setup(
      { certificates: [fixtures.platformCert, extraCerts.rotatedCert], now: () => between },
      { now: () => between },
    );
    await client.certificates!.refresh();
    expect((await client.encryptSensitive('x')).serial).toBe(fixtures.platformSerial);
  });

  it('refuses a set with no unexpired certificate', async () => {
    const later = Date.parse('2037-01-01T00:00:00Z');
    const { client } = await setup({ now: () => later }, { now: () => later });
    await expect(client.certificates!.refresh()).rejects.toBeInstanceOf(WechatPayFormatError);
  });

  it('says plainly that a 404 RESOURCE_NOT_EXISTS means public-key mode', async () => {
    const { client } = await setup({
      certificates: undefined,
      signer: { privateKey: fixtures.publicModeKey, serial: fixtures.publicKeyId },
    });
    const err = await client.certificates!.refresh().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
    expect((err as Error).message).toMatch(/public-key mode/);
  });

  it('cannot decrypt with a wrong APIv3 key', async () => {
    const { client } = await setup({}, { apiV3Key: 'b'.repeat(32) });
    await expect(client.certificates!.refresh()).rejects.toBeInstanceOf(WechatPayDecryptError);
  });

  it('refreshes in the background until stopped', async () => {
    const { fake, client } = await setup();
    const store = client.certificates!;
    store.start(5);
    await until(() => fake.certificateDownloads >= 2);
    store.stop();
    await store.refresh(); // joins a download the timer may have started just before stop()
    const settled = fake.certificateDownloads;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fake.certificateDownloads).toBe(settled);
  });
});
