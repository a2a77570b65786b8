export type { CaOptions } from './ca-store.js';
export {
  type CertificateIssuer,
  type CertificateSubject,
  type ExtendedKeyUsage,
  type IssueCertificateOptions,
  issueCertificate,
} from './certificate-issuer.js';
export { der } from './der-encoder.js';
export { DerNode } from './der-node.js';
export { LocalCa, type ServerCertificate } from './local-ca.js';
export { MerchantCa } from './merchant-ca.js';
export {
  type CertifiedKeyPem,
  type GenerateMerchantCredentialsOptions,
  generateMerchantCredentials,
  type MerchantCredentials,
} from './merchant-credentials.js';
export { randomSerialNo } from './serial-number.js';
