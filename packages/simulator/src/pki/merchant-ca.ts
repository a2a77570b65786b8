import type { KeyObject } from 'node:crypto';
import { type CaOptions, loadOrCreateCa } from './ca-store.js';
import type { CertificateIssuer } from './certificate-issuer.js';
import { generateMerchantCredentials, type MerchantCredentials } from './merchant-credentials.js';

/**
 * The simulator's stand-in for the CA that signs WeChat Pay merchant API certificates. It is kept
 * apart from the HTTPS root on purpose: mutual-TLS endpoints (`/secapi/pay/refund`) must trust
 * merchant certificates only, not every server certificate the local CA ever issued.
 * Persisted as `merchant-ca-cert.pem` / `merchant-ca-key.pem`.
 */
export class MerchantCa implements CertificateIssuer {
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  /** Give this file as `ca` to a TLS server that should accept merchant client certificates. */
  readonly certificatePath: string | undefined;

  private constructor(certificatePem: string, privateKey: KeyObject, certificatePath: string | undefined) {
    this.certificatePem = certificatePem;
    this.privateKey = privateKey;
    this.certificatePath = certificatePath;
  }

  /** Loads the merchant CA from `dir`, creating a 10-year CA on first use; in memory only without `dir`. */
  static async loadOrCreate(dir: string | undefined, options: CaOptions = {}): Promise<MerchantCa> {
    const now = options.clock?.() ?? new Date();
    const ca = await loadOrCreateCa(
      dir,
      { stem: 'merchant-ca', commonName: 'wechatpay-kit merchant CA', organization: 'WeChat Pay simulator' },
      now,
    );
    return new MerchantCa(ca.certificatePem, ca.privateKey, ca.certificatePath);
  }

  /** Shorthand for {@link generateMerchantCredentials} with this CA as the issuer. */
  generateCredentials(options: {
    mchid: string;
    merchantName: string;
    now: Date;
  }): Promise<MerchantCredentials> {
    return generateMerchantCredentials({ ...options, issuingCa: this });
  }
}
