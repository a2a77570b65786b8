/** `/v3/certificates`: served in certificate mode, 404 RESOURCE_NOT_EXISTS in public-key mode. */
import { WechatPayApiError } from '@wechatpay-kit/sdk';
import { aesGcmDecrypt, parseCertificate } from '@wechatpay-kit/sdk/crypto';
import { describe, expect, it } from 'vitest';
import { useV3Simulator } from './support/use-v3-simulator.js';
import { clientFor, sendRaw, signedHeaders } from './support/v3-test-kit.js';

describe('/v3/certificates for a merchant in certificate mode', () => {
  const sim = useV3Simulator('certificates');

  it('lets our SDK download, decrypt and trust the platform certificate', async () => {
    const wxpay = clientFor(sim);
    try {
      await wxpay.certificates!.refresh();
      const [certificate] = wxpay.certificates!.certificates();
      expect(certificate?.serialNo).toBe(sim.merchant.platformSerialNo);
      expect(certificate?.pem.trim()).toBe(sim.merchant.platformCertificatePem.trim());
    } finally {
      await wxpay.close();
    }
  });

  it('encrypts the certificate under the APIv3 key with associated data "certificate"', async () => {
    const answer = await sendRaw(sim, {
      method: 'GET',
      url: '/v3/certificates',
      headers: signedHeaders(sim, { method: 'GET', signedUrl: '/v3/certificates' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['wechatpay-serial']).toBe(sim.merchant.platformSerialNo);
    const [entry] = answer.json().data;
    expect(entry.encrypt_certificate).toMatchObject({
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'certificate',
    });
    expect(entry.effective_time).toMatch(/\+08:00$/);
    const envelope = {
      nonce: entry.encrypt_certificate.nonce,
      associatedData: 'certificate',
      ciphertext: entry.encrypt_certificate.ciphertext,
    };
    const pem = aesGcmDecrypt(sim.merchant.apiV3Key, envelope).toString('utf8');
    expect(parseCertificate(pem).serialNo).toBe(entry.serial_no);
    expect(() => aesGcmDecrypt('x'.repeat(32), envelope)).toThrow();
  });
});

describe('/v3/certificates for a merchant in public-key mode', () => {
  const sim = useV3Simulator('public-key');

  it('answers 404 RESOURCE_NOT_EXISTS, signed with the public-key-mode key', async () => {
    const wxpay = clientFor(sim);
    try {
      const error = await wxpay.request('GET', '/v3/certificates').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WechatPayApiError);
      expect(error).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
    } finally {
      await wxpay.close();
    }
    const raw = await sendRaw(sim, {
      method: 'GET',
      url: '/v3/certificates',
      headers: signedHeaders(sim, { method: 'GET', signedUrl: '/v3/certificates' }),
    });
    expect(raw.headers['wechatpay-serial']).toBe(sim.merchant.publicKeyId);
  });

  it('tells a client still configured for certificates to switch to the public key', async () => {
    const wxpay = clientFor(sim, { verification: { mode: 'certificates', refreshIntervalMs: 0 } });
    try {
      const error = await wxpay.transactions.queryByOutTradeNo('NOPE000001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WechatPayApiError);
      expect(error).toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
      expect((error as Error).message).toMatch(/public-key mode/);
    } finally {
      await wxpay.close();
    }
  });
});
