import { type KeyObject, randomInt } from 'node:crypto';
import { WechatPayValidationError } from '@wechatpay-kit/sdk';
import { type CertificateIssuer, issueCertificate } from './certificate-issuer.js';
import { generateRsaKeyPair } from './rsa-key-pair.js';
import { randomSerialNo } from './serial-number.js';

export interface GenerateMerchantCredentialsOptions {
  /** Digits only, as WeChat assigns them (e.g. `1900000109`). */
  mchid: string;
  /** Goes into the merchant certificate's O attribute (1 to 64 characters, any script). */
  merchantName: string;
  /** The simulator's merchant CA: it signs both certificates, and mutual TLS trusts it. */
  issuingCa: CertificateIssuer;
  /**
   * Start of validity. Certificates last 5 years from here; pass real time when they will be
   * used in a TLS handshake, which checks validity against the machine clock.
   */
  now: Date;
}

/** A private key with its certificate, named the way WeChat names it: by serial. */
export interface CertifiedKeyPem {
  /** PKCS#8 PEM, the format of WeChat's `apiclient_key.pem`. */
  privateKeyPem: string;
  certificatePem: string;
  /** 40 upper-case hex digits. */
  serialNo: string;
}

/** Everything one simulated merchant needs, on both sides of the API, all PEM. */
export interface MerchantCredentials {
  /** The merchant API certificate: signs v3 requests, authenticates v2 refunds over mutual TLS. */
  merchant: CertifiedKeyPem;
  /** The WeChat Pay platform certificate: what the simulator signs answers with in certificate mode. */
  platform: CertifiedKeyPem;
  /** The WeChat Pay public key (public-key mode): signs answers; merchants verify by `id`. */
  publicKey: { id: string; privateKeyPem: string; publicKeyPem: string };
}

const VALIDITY_YEARS = 5;

/**
 * Creates the three key pairs WeChat Pay hands a merchant, so the simulator can run either
 * verification mode (platform certificate or `PUB_KEY_ID_…` public key) and check the merchant's
 * client certificate on mutual-TLS endpoints. The keys are generated in parallel off the main
 * thread; expect a fraction of a second.
 */
export async function generateMerchantCredentials(
  options: GenerateMerchantCredentialsOptions,
): Promise<MerchantCredentials> {
  const { mchid, merchantName, issuingCa, now } = options;
  if (typeof mchid !== 'string' || !/^\d{1,32}$/.test(mchid)) {
    throw new WechatPayValidationError('mchid', 'mchid must be 1 to 32 digits');
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new WechatPayValidationError('now', 'now must be a valid Date');
  }
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const [merchantKeys, platformKeys, publicKeys] = await Promise.all([
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
  ]);

  const merchantSerial = randomSerialNo();
  const merchantCertificate = issueCertificate({
    subject: {
      commonName: mchid,
      organization: merchantName,
      organizationalUnit: 'Tenpay.com',
      country: 'CN',
    },
    subjectPublicKey: merchantKeys.publicKey,
    issuer: issuingCa,
    serialNumber: merchantSerial,
    notBefore: now,
    notAfter,
    extendedKeyUsage: ['clientAuth'],
  });
  const platformSerial = randomSerialNo();
  const platformCertificate = issueCertificate({
    subject: {
      commonName: 'Tenpay.com',
      organization: 'WeChat Pay simulator',
      organizationalUnit: 'Tenpay.com',
      country: 'CN',
    },
    subjectPublicKey: platformKeys.publicKey,
    issuer: issuingCa,
    serialNumber: platformSerial,
    notBefore: now,
    notAfter,
  });

  const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    merchant: {
      privateKeyPem: pkcs8(merchantKeys.privateKey),
      certificatePem: merchantCertificate,
      serialNo: merchantSerial,
    },
    platform: {
      privateKeyPem: pkcs8(platformKeys.privateKey),
      certificatePem: platformCertificate,
      serialNo: platformSerial,
    },
    publicKey: {
      id: publicKeyId(mchid, now),
      privateKeyPem: pkcs8(publicKeys.privateKey),
      publicKeyPem: publicKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  };
}

/**
 * Real ids read `PUB_KEY_ID_01` + mchid + issue date (YYYYMMDD) + 14 digits, e.g.
 * `PUB_KEY_ID_0117040063532025021400298900001527`; the trailing digits are random here.
 */
function publicKeyId(mchid: string, now: Date): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  const digits = Array.from({ length: 14 }, () => randomInt(10)).join('');
  return `PUB_KEY_ID_01${mchid}${date}${digits}`;
}
