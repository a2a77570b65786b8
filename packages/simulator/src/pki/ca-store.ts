import type { KeyObject } from 'node:crypto';
import { issueCertificate } from './certificate-issuer.js';
import { PemPairStore } from './pem-pair-store.js';
import { generateRsaKeyPair } from './rsa-key-pair.js';
import { randomSerialNo } from './serial-number.js';

/** Which CA to keep in a directory, and the name it gets when it has to be created. */
export interface CaProfile {
  /** File stem: `ca` gives `ca-cert.pem` and `ca-key.pem`. */
  stem: string;
  commonName: string;
  organization: string;
}

/** Options shared by the CA classes. */
export interface CaOptions {
  /** Time source for validity decisions; tests move it forward to exercise renewal and expiry. */
  clock?: () => Date;
}

/** A CA read from (or just written to) disk. */
export interface LoadedCa {
  certificatePem: string;
  privateKey: KeyObject;
  /** `undefined` when the CA is kept in memory only. */
  certificatePath: string | undefined;
}

const CA_VALIDITY_YEARS = 10;
const CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * Returns the CA stored in `dir`, creating a self-signed one on first use (kept in memory only
 * when `dir` is undefined). Reusing it matters: users install the certificate in trust stores
 * (`NODE_EXTRA_CA_CERTS`) and configure mutual TLS with it, and a new CA on every start would
 * silently break both. An expired CA is replaced;
 * an unreadable or mismatched pair is reported, never overwritten. Two processes creating the
 * same directory at the same instant would each write their own CA (the last rename wins).
 */
export async function loadOrCreateCa(
  dir: string | undefined,
  profile: CaProfile,
  now: Date,
): Promise<LoadedCa> {
  const store = new PemPairStore(dir, profile.stem);
  const stored = await store.read();
  if (stored && new Date(stored.certificate.validTo).getTime() > now.getTime()) {
    return {
      certificatePem: stored.certificatePem,
      privateKey: stored.privateKey,
      certificatePath: store.certificatePath,
    };
  }
  const { publicKey, privateKey } = await generateRsaKeyPair();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const certificatePem = issueCertificate({
    subject: { commonName: profile.commonName, organization: profile.organization },
    subjectPublicKey: publicKey,
    signingKey: privateKey,
    serialNumber: randomSerialNo(),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    ca: true,
  });
  await store.write(certificatePem, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { certificatePem, privateKey, certificatePath: store.certificatePath };
}
