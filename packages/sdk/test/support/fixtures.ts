import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const read = (name: string) => readFileSync(dir + name, 'utf8');

/** Test-only key material (see fixtures/README.md). */
export const fixtures = {
  dir,
  merchantKey: read('merchant-key.pem'),
  merchantCert: read('merchant-cert.pem'),
  merchantSerial: '01E1E0D4CB1630756D00DC25808DD7A4EEBF310C',
  platformKey: read('platform-key.pem'),
  platformCert: read('platform-cert.pem'),
  platformSerial: '01F7FBD5C3B935924D77F8FD57FCCAF303271A84',
  publicKeyId: 'PUB_KEY_ID_0000000000000024101100397200000006',
  publicModeKey: read('pubkey-mode-key.pem'),
  publicModePub: read('pubkey-mode-pub.pem'),
  mchid: '1900000109',
  appid: 'wxd930ea5d5a258f4f',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  apiV3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
} as const;
