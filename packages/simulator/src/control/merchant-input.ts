import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { MerchantCredentials, NewMerchant } from '../engine/merchant-registry.js';
import type { SimApp, V3SigningMode } from '../engine/sim-records.js';
import { badRequest } from './control-error.js';
import type { ControlInput } from './control-input.js';

export const SIGNING_MODES: readonly V3SigningMode[] = ['certificates', 'public-key'];
const APP_KINDS: readonly SimApp['kind'][] = ['official-account', 'mini-program', 'app'];
const MCHID = { pattern: /^\d{8,12}$/, hint: '8–12 digits, like 1900000109' };
const KEY32 = { pattern: /^[\x21-\x7e]{32}$/, hint: '32 printable ASCII characters' };
const APPID = { pattern: /^wx[0-9a-zA-Z]{16}$/, hint: '"wx" and 16 letters or digits' };
const PUBLIC_KEY_ID = { pattern: /^PUB_KEY_ID_\w+$/, hint: 'an id starting with PUB_KEY_ID_' };
/** An H5 pay domain as the merchant platform takes it: a host name (or IPv4), no scheme, port or path. */
export const H5_DOMAIN = {
  pattern:
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
  hint: 'a host name such as shop.example.com (no scheme, port or path)',
};
export const CALLBACK_URL = { pattern: /^https?:\/\/[^\s]+$/, hint: 'an http:// or https:// URL' };

/**
 * A merchant to create, from a control request. Supplied key material is parsed here, so a paste
 * error is answered with 400 naming the field instead of failing later inside a signature.
 */
export function readNewMerchant(input: ControlInput): NewMerchant {
  const credentials = input.object('credentials');
  return {
    mchid: input.string('mchid', MCHID),
    name: input.string('name'),
    apiKey: input.string('apiKey', KEY32),
    apiV3Key: input.string('apiV3Key', KEY32),
    v3SigningMode: input.choice('v3SigningMode', SIGNING_MODES),
    nativeCallbackUrl: input.string('nativeCallbackUrl', CALLBACK_URL),
    h5Domains: input.strings('h5Domains', H5_DOMAIN)?.map((d) => d.toLowerCase()),
    apps: input.objects('apps')?.map(readApp),
    credentials: credentials && readCredentials(credentials),
  };
}

function readApp(app: ControlInput): SimApp {
  return {
    appid: app.requiredString('appid', APPID),
    secret: app.requiredString('secret', KEY32),
    kind: app.choice('kind', APP_KINDS) ?? 'official-account',
    name: app.string('name') ?? 'app',
  };
}

/** All three key sets, or none: the simulator signs with the platform keys and verifies with the merchant's. */
function readCredentials(input: ControlInput): MerchantCredentials {
  const section = (name: string) => {
    const part = input.object(name);
    if (!part)
      throw badRequest(`credentials must have "merchant", "platform" and "publicKey"; "${name}" is missing`);
    return part;
  };
  const merchant = section('merchant');
  const platform = section('platform');
  const publicKey = section('publicKey');
  const privateKeyPem = publicKey.requiredString('privateKeyPem');
  return {
    merchant: readCertifiedKey(merchant, 'merchant'),
    platform: readCertifiedKey(platform, 'platform'),
    publicKey: {
      id: publicKey.requiredString('id', PUBLIC_KEY_ID),
      privateKeyPem: checked(privateKeyPem, 'credentials.publicKey.privateKeyPem', 'a PEM private key', () =>
        createPrivateKey(privateKeyPem),
      ),
      publicKeyPem: checked(
        publicKey.string('publicKeyPem') ??
          createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
        'credentials.publicKey.publicKeyPem',
        'a PEM public key',
        (pem) => createPublicKey(pem),
      ),
    },
  };
}

/** A key with its certificate; the serial defaults to the certificate's and must agree with it. */
function readCertifiedKey(part: ControlInput, name: string) {
  const field = `credentials.${name}`;
  const privateKeyPem = part.requiredString('privateKeyPem');
  const certificatePem = part.requiredString('certificatePem');
  checked(privateKeyPem, `${field}.privateKeyPem`, 'a PEM private key', (pem) => createPrivateKey(pem));
  const certificate = checkedCertificate(certificatePem, `${field}.certificatePem`);
  const serialNo = part.string('serialNo') ?? certificate.serialNumber.toUpperCase();
  if (serialNo.toUpperCase() !== certificate.serialNumber.toUpperCase()) {
    throw badRequest(
      `${field}.serialNo ${serialNo} is not the serial of its certificate (${certificate.serialNumber})`,
    );
  }
  if (!certificate.checkPrivateKey(createPrivateKey(privateKeyPem))) {
    throw badRequest(`${field}.privateKeyPem does not belong to ${field}.certificatePem`);
  }
  return { privateKeyPem, certificatePem, serialNo: serialNo.toUpperCase() };
}

function checkedCertificate(pem: string, field: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw badRequest(`${field} must be a PEM X.509 certificate`);
  }
}

function checked(pem: string, field: string, expected: string, parse: (pem: string) => unknown): string {
  try {
    parse(pem);
  } catch {
    throw badRequest(`${field} must be ${expected}`);
  }
  return pem;
}
