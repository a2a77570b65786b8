/**
 * The SDK's test key material, shared by every suite so all libraries sign and verify with the same
 * 2048-bit keys. Serials are read from the certificates rather than copied, so a regenerated
 * fixture cannot silently disagree with the bench.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const dir = new URL('../../packages/sdk/test/fixtures/', import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), 'utf8');

const merchantCert = read('merchant-cert.pem');
const platformCert = read('platform-cert.pem');

export const fixtures = {
  mchid: '1900000109',
  appid: 'wxd930ea5d5a258f4f',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  /** Merchant API key (PKCS#8 PEM): signs requests. */
  merchantKey: read('merchant-key.pem'),
  merchantCert,
  merchantSerial: new X509Certificate(merchantCert).serialNumber.toUpperCase(),
  /** Plays WeChat Pay's platform key: signs the answers the bench verifies. */
  platformKey: read('platform-key.pem'),
  platformCert,
  platformSerial: new X509Certificate(platformCert).serialNumber.toUpperCase(),
};
