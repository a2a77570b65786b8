import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { WechatPayConfigError, WechatPayValidationError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCa } from '../../src/pki/local-ca.js';
import { MerchantCa } from '../../src/pki/merchant-ca.js';
import { generateRsaKeyPair } from '../../src/pki/rsa-key-pair.js';
import { close, httpsGet, listen, openssl, temporaryDirectory } from './pki-test-support.js';

const DAY = 86_400_000;
const mode = (path: string) => statSync(path).mode & 0o777;

describe('LocalCa', () => {
  const dir = temporaryDirectory();
  const cleanups: Array<() => void> = [dir.remove];
  let ca: LocalCa;

  beforeAll(async () => {
    ca = await LocalCa.loadOrCreate(dir.path);
  });
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it('creates a 10-year self-signed CA and keeps its key private (0600)', () => {
    const certificate = new X509Certificate(readFileSync(join(dir.path, 'ca-cert.pem')));
    expect(certificate.toString()).toBe(new X509Certificate(ca.certificatePem).toString());
    expect(ca.certificatePath).toBe(join(dir.path, 'ca-cert.pem'));
    expect(certificate.subject).toBe('O=wechatpay-kit\nCN=wechatpay-kit local CA');
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const years = (Date.parse(certificate.validTo) - Date.now()) / (365.25 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(mode(join(dir.path, 'ca-key.pem'))).toBe(0o600);
  });

  it('loads the same CA on the next start', async () => {
    const again = await LocalCa.loadOrCreate(dir.path);
    expect(again.certificatePem).toBe(ca.certificatePem);
    expect(again.privateKey.equals(ca.privateKey)).toBe(true);
  });

  it('keeps a separate merchant CA in the same directory', async () => {
    const merchantCa = await LocalCa.loadOrCreateMerchantCa(dir.path);
    const again = await MerchantCa.loadOrCreate(dir.path);
    expect(again.certificatePem).toBe(merchantCa.certificatePem);
    expect(merchantCa.certificatePem).not.toBe(ca.certificatePem);
    expect(new X509Certificate(merchantCa.certificatePem).ca).toBe(true);
    expect(readFileSync(join(dir.path, 'merchant-ca-cert.pem'), 'utf8')).toBe(merchantCa.certificatePem);
    expect(mode(join(dir.path, 'merchant-ca-key.pem'))).toBe(0o600);
  });

  describe('server certificates', () => {
    let server: { certPem: string; keyPem: string };

    beforeAll(async () => {
      server = await ca.issueServerCertificate(['sim.test', '10.0.0.7']);
    });

    it('names the default hosts and the given ones, issued by the CA', () => {
      const certificate = new X509Certificate(server.certPem);
      for (const host of [
        'localhost',
        'api.mch.weixin.qq.com',
        'api.weixin.qq.com',
        'open.weixin.qq.com',
        'sim.test',
      ]) {
        expect(certificate.checkHost(host)).toBe(host);
      }
      for (const ip of ['127.0.0.1', '::1', '10.0.0.7']) expect(certificate.checkIP(ip)).toBe(ip);
      expect(certificate.checkHost('pay.weixin.qq.com')).toBeUndefined();
      expect(certificate.ca).toBe(false);
      expect(certificate.checkIssued(new X509Certificate(ca.certificatePem))).toBe(true);
      expect(certificate.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
      expect(mode(join(dir.path, 'server-key.pem'))).toBe(0o600);
      const result = openssl(
        ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'ca-cert.pem', 'server-cert.pem'],
        dir.path,
      );
      expect(result.output).toBe('server-cert.pem: OK\n');
    });

    it('reuses the stored certificate while the host list is unchanged, across restarts', async () => {
      expect((await ca.issueServerCertificate(['SIM.test', '10.0.0.7', 'localhost'])).certPem).toBe(
        server.certPem,
      );
      const restarted = await LocalCa.loadOrCreate(dir.path);
      expect(await restarted.issueServerCertificate(['10.0.0.7', 'sim.test'])).toEqual(server);
    });

    it('issues a new certificate when the host list changes', async () => {
      const other = await LocalCa.loadOrCreate(temporaryCopy(dir.path));
      const changed = await other.issueServerCertificate(['sim.test']);
      expect(changed.certPem).not.toBe(server.certPem);
      expect(new X509Certificate(changed.certPem).checkIP('10.0.0.7')).toBeUndefined();
    });

    it('renews a certificate that is close to expiry', async () => {
      const copy = temporaryCopy(dir.path);
      const inAYear = await LocalCa.loadOrCreate(copy, { clock: () => new Date(Date.now() + 365 * DAY) });
      expect((await inAYear.issueServerCertificate(['sim.test', '10.0.0.7'])).certPem).toBe(server.certPem);
      const nearExpiry = await LocalCa.loadOrCreate(copy, { clock: () => new Date(Date.now() + 800 * DAY) });
      const renewed = await nearExpiry.issueServerCertificate(['sim.test', '10.0.0.7']);
      expect(renewed.certPem).not.toBe(server.certPem);
      expect(Date.parse(new X509Certificate(renewed.certPem).validTo)).toBeGreaterThan(
        Date.now() + 1500 * DAY,
      );
    });

    it('refuses hosts that are neither DNS names nor IP addresses', async () => {
      await expect(ca.issueServerCertificate(['not a host'])).rejects.toThrow(WechatPayValidationError);
      await expect(ca.issueServerCertificate([''])).rejects.toThrow(WechatPayValidationError);
    });
  });

  describe('a real TLS handshake', () => {
    let server: Server;
    let port: number;
    const toLoopback: LookupFunction = (_host, options, callback) =>
      options.all
        ? (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
            { address: '127.0.0.1', family: 4 },
          ])
        : callback(null, '127.0.0.1', 4);

    beforeAll(async () => {
      const { certPem, keyPem } = await ca.issueServerCertificate();
      server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('hello'));
      port = await listen(server);
    });
    afterAll(() => close(server));

    it('succeeds for a client that trusts only the local CA', async () => {
      expect(await httpsGet({ port, ca: [ca.certificatePem] })).toEqual({ status: 200, body: 'hello' });
    });

    it('succeeds for the hard-coded WeChat host once it resolves to the simulator', async () => {
      const answer = await httpsGet({
        host: 'api.mch.weixin.qq.com',
        lookup: toLoopback,
        port,
        ca: [ca.certificatePem],
      });
      expect(answer.body).toBe('hello');
    });

    it('fails for a client without the CA, and for a host the certificate does not name', async () => {
      await expect(httpsGet({ port })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
      await expect(
        httpsGet({ host: 'pay.weixin.qq.com', lookup: toLoopback, port, ca: [ca.certificatePem] }),
      ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });

  describe('recovery', () => {
    it('refuses a key that does not belong to the stored CA, without printing the key', async () => {
      const copy = temporaryCopy(dir.path);
      const { privateKey } = await generateRsaKeyPair();
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      writeFileSync(join(copy, 'ca-key.pem'), pem);
      const attempt = LocalCa.loadOrCreate(copy);
      await expect(attempt).rejects.toThrow(WechatPayConfigError);
      await expect(attempt).rejects.not.toThrow(/PRIVATE KEY|MII/);
    });

    it('recreates a CA left half-written, and replaces an expired one', async () => {
      const copy = temporaryCopy(dir.path);
      rmSync(join(copy, 'ca-cert.pem'));
      const recreated = await LocalCa.loadOrCreate(copy);
      expect(recreated.certificatePem).not.toBe(ca.certificatePem);
      const server = await recreated.issueServerCertificate(['sim.test', '10.0.0.7']);
      expect(
        new X509Certificate(server.certPem).checkIssued(new X509Certificate(recreated.certificatePem)),
      ).toBe(true);

      const later = await LocalCa.loadOrCreate(copy, { clock: () => new Date(Date.now() + 11 * 365 * DAY) });
      expect(later.certificatePem).not.toBe(recreated.certificatePem);
    });

    it('works in memory when no directory is given', async () => {
      const memory = await LocalCa.loadOrCreate(undefined);
      expect(memory.certificatePath).toBeUndefined();
      const first = await memory.issueServerCertificate();
      expect(await memory.issueServerCertificate()).toEqual(first);
      expect(new X509Certificate(first.certPem).checkIssued(new X509Certificate(memory.certificatePem))).toBe(
        true,
      );
    });
  });

  /** A sibling directory holding a copy of the CA and server files, for tests that alter them. */
  function temporaryCopy(source: string): string {
    const target = temporaryDirectory();
    cleanups.push(target.remove);
    for (const name of ['ca-cert.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem']) {
      const file = join(source, name);
      if (existsSync(file)) target.file(name, readFileSync(file));
    }
    return target.path;
  }
});
