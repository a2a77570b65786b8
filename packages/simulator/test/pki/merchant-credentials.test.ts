import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WechatPayValidationError } from '@wechatpay-kit/sdk';
import {
  loadPrivateKey,
  loadPublicKey,
  parseCertificate,
  rsaSign,
  rsaVerify,
} from '@wechatpay-kit/sdk/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../src/pki/certificate-issuer.js';
import { LocalCa } from '../../src/pki/local-ca.js';
import { MerchantCa } from '../../src/pki/merchant-ca.js';
import { generateMerchantCredentials, type MerchantCredentials } from '../../src/pki/merchant-credentials.js';
import { generateRsaKeyPair } from '../../src/pki/rsa-key-pair.js';
import { randomSerialNo } from '../../src/pki/serial-number.js';
import { close, httpsGet, listen, openssl, temporaryDirectory } from './pki-test-support.js';

const MCHID = '1900000109';

describe('generateMerchantCredentials', () => {
  const dir = temporaryDirectory();
  // whole seconds: certificates cannot carry milliseconds
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  let merchantCa: MerchantCa;
  let localCa: LocalCa;
  let credentials: MerchantCredentials;
  let selfSigned: { certificatePem: string; privateKeyPem: string };

  beforeAll(async () => {
    [merchantCa, localCa] = await Promise.all([
      MerchantCa.loadOrCreate(dir.path),
      LocalCa.loadOrCreate(dir.path),
    ]);
    credentials = await generateMerchantCredentials({
      mchid: MCHID,
      merchantName: '示例商户有限公司',
      issuingCa: merchantCa,
      now,
    });
    const keys = await generateRsaKeyPair();
    selfSigned = {
      certificatePem: issueCertificate({
        subject: { commonName: MCHID, organization: '示例商户有限公司' },
        subjectPublicKey: keys.publicKey,
        signingKey: keys.privateKey,
        serialNumber: randomSerialNo(),
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(now.getTime() + 86_400_000),
        extendedKeyUsage: ['clientAuth'],
      }),
      privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  });
  afterAll(() => dir.remove());

  it('issues the merchant API certificate under the merchant CA, named and numbered like WeChat’s', () => {
    const { merchant } = credentials;
    const certificate = new X509Certificate(merchant.certificatePem);
    const ca = new X509Certificate(merchantCa.certificatePem);
    expect(merchant.serialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(certificate.serialNumber).toBe(merchant.serialNo);
    expect(parseCertificate(merchant.certificatePem).serialNo).toBe(merchant.serialNo);
    expect(certificate.subject).toBe(`C=CN\nO=示例商户有限公司\nOU=Tenpay.com\nCN=${MCHID}`);
    expect(certificate.issuer).toBe(ca.subject);
    expect(certificate.checkIssued(ca)).toBe(true);
    expect(certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.verify(new X509Certificate(localCa.certificatePem).publicKey)).toBe(false);
    expect(certificate.ca).toBe(false);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(certificate.checkPrivateKey(loadPrivateKey(merchant.privateKeyPem))).toBe(true);
    expect(merchant.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(new Date(certificate.validFrom)).toEqual(now);
    const fiveYears = new Date(now);
    fiveYears.setUTCFullYear(now.getUTCFullYear() + 5);
    expect(new Date(certificate.validTo)).toEqual(fiveYears);
  });

  it('issues a platform certificate with its own key and serial', () => {
    const { platform, merchant } = credentials;
    const certificate = new X509Certificate(platform.certificatePem);
    expect(platform.serialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(platform.serialNo).not.toBe(merchant.serialNo);
    expect(certificate.serialNumber).toBe(platform.serialNo);
    expect(certificate.checkIssued(new X509Certificate(merchantCa.certificatePem))).toBe(true);
    expect(certificate.checkPrivateKey(loadPrivateKey(platform.privateKeyPem))).toBe(true);
    expect(certificate.checkPrivateKey(loadPrivateKey(merchant.privateKeyPem))).toBe(false);
    const signature = rsaSign(loadPrivateKey(platform.privateKeyPem), 'timestamp\nnonce\nbody\n');
    expect(rsaVerify(loadPublicKey(platform.certificatePem), 'timestamp\nnonce\nbody\n', signature)).toBe(
      true,
    );
  });

  it('creates a WeChat Pay public key with a PUB_KEY_ID_ in the real shape', () => {
    const { publicKey } = credentials;
    const date = now.toISOString().slice(0, 10).replaceAll('-', '');
    expect(publicKey.id).toMatch(new RegExp(`^PUB_KEY_ID_01${MCHID}${date}\\d{14}$`));
    const signature = rsaSign(loadPrivateKey(publicKey.privateKeyPem), 'message');
    expect(rsaVerify(loadPublicKey(publicKey.publicKeyPem), 'message', signature)).toBe(true);
    expect(rsaVerify(loadPublicKey(credentials.platform.certificatePem), 'message', signature)).toBe(false);
  });

  it('passes openssl verification for client use', () => {
    const ca = dir.file('merchant-ca.pem', merchantCa.certificatePem);
    const merchant = dir.file('merchant.pem', credentials.merchant.certificatePem);
    const platform = dir.file('platform.pem', credentials.platform.certificatePem);
    const result = openssl([
      'verify',
      '-x509_strict',
      '-purpose',
      'sslclient',
      '-CAfile',
      ca,
      merchant,
      platform,
    ]);
    expect(result.output).toBe(`${merchant}: OK\n${platform}: OK\n`);
  });

  it('refuses a non-numeric mchid and an invalid date', async () => {
    await expect(
      generateMerchantCredentials({ mchid: '19000x', merchantName: 'x', issuingCa: merchantCa, now }),
    ).rejects.toThrow(WechatPayValidationError);
    await expect(
      generateMerchantCredentials({
        mchid: MCHID,
        merchantName: 'x',
        issuingCa: merchantCa,
        now: new Date('x'),
      }),
    ).rejects.toThrow(WechatPayValidationError);
  });

  describe('mutual TLS against the merchant CA', () => {
    let strict: Server;
    let lenient: Server;
    let strictPort: number;
    let lenientPort: number;
    let strictRequests = 0;

    beforeAll(async () => {
      const server = await localCa.issueServerCertificate();
      const tls = {
        key: server.keyPem,
        cert: server.certPem,
        ca: [merchantCa.certificatePem],
        requestCert: true,
      };
      strict = createServer({ ...tls, rejectUnauthorized: true }, (req, res) => {
        strictRequests++;
        res.end((req.socket as TLSSocket).getPeerCertificate().serialNumber);
      });
      // what the simulator does: ask for a certificate, let the route decide
      lenient = createServer({ ...tls, rejectUnauthorized: false }, (req, res) => {
        const socket = req.socket as TLSSocket;
        res.end(
          JSON.stringify({ authorized: socket.authorized, error: String(socket.authorizationError ?? '') }),
        );
      });
      [strictPort, lenientPort] = await Promise.all([listen(strict), listen(lenient)]);
    });
    afterAll(() => Promise.all([close(strict), close(lenient)]));

    const client = (identity?: { certificatePem: string; privateKeyPem: string }) => ({
      ca: [localCa.certificatePem],
      ...(identity ? { cert: identity.certificatePem, key: identity.privateKeyPem } : {}),
    });

    it('accepts the merchant certificate and sees its serial', async () => {
      const answer = await httpsGet({ port: strictPort, ...client(credentials.merchant) });
      expect(answer.body).toBe(credentials.merchant.serialNo);
    });

    it('rejects a self-signed client, a certificate of the HTTPS root, and no certificate', async () => {
      const before = strictRequests;
      const serverIssued = await localCa.issueServerCertificate();
      await expect(httpsGet({ port: strictPort, ...client(selfSigned) })).rejects.toThrow();
      await expect(
        httpsGet({
          port: strictPort,
          ...client({ certificatePem: serverIssued.certPem, privateKeyPem: serverIssued.keyPem }),
        }),
      ).rejects.toThrow();
      await expect(httpsGet({ port: strictPort, ...client() })).rejects.toThrow();
      expect(strictRequests).toBe(before);
    });

    it('reports authorized only for the merchant certificate when the server lets the route decide', async () => {
      const merchant = JSON.parse(
        (await httpsGet({ port: lenientPort, ...client(credentials.merchant) })).body,
      );
      expect(merchant).toEqual({ authorized: true, error: '' });
      const impostor = JSON.parse((await httpsGet({ port: lenientPort, ...client(selfSigned) })).body);
      expect(impostor.authorized).toBe(false);
      expect(impostor.error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });
  });
});
