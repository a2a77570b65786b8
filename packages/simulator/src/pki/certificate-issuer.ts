import { createHash, createPublicKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { WechatPayConfigError, WechatPayValidationError } from '@wechatpay-kit/sdk';
import { readCertificateFields } from './certificate-fields.js';
import { der } from './der-encoder.js';
import { DerNode } from './der-node.js';
import { ipAddressBytes, isDnsName } from './host-names.js';
import { OID } from './x509-oids.js';

/** A distinguished name reduced to the attributes WeChat's certificates actually carry. */
export interface CertificateSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Two upper-case letters (ISO 3166), e.g. `CN`. */
  country?: string;
}

/** A CA able to sign: its certificate (for the issuer Name and key identifier) and its private key. */
export interface CertificateIssuer {
  certificatePem: string;
  privateKey: KeyObject;
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface IssueCertificateOptions {
  subject: CertificateSubject;
  /** The key being certified; a private `KeyObject` is accepted and only its public half is used. */
  subjectPublicKey: KeyObject;
  /** Absent: the certificate is self-signed and `signingKey` must be the subject's private key. */
  issuer?: CertificateIssuer;
  /** Only for self-signed certificates. */
  signingKey?: KeyObject;
  /** Positive, in hex; at most 20 octets once DER-encoded (RFC 5280 §4.1.2.2). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate: basicConstraints cA (critical) and keyCertSign/cRLSign instead of leaf usages. */
  ca?: boolean;
  subjectAltNames?: { dns?: string[]; ip?: string[] };
  extendedKeyUsage?: ExtendedKeyUsage[];
}

const KEY_USAGE_BITS = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * Issues an X.509 v3 certificate signed with sha256WithRSAEncryption and returns it as PEM.
 * The simulator needs certificates that real TLS stacks and WeChat Pay SDKs accept — a merchant
 * CA for mutual TLS, platform certificates, a local HTTPS CA — and `node:crypto` can only parse
 * them. Every certificate carries subject and authority key identifiers so OpenSSL builds chains
 * even when several CAs share a name.
 */
export function issueCertificate(options: IssueCertificateOptions): string {
  const { subject, notBefore, notAfter } = options;
  const subjectPublicKey = toPublicKey(options.subjectPublicKey);
  checkValidity(notBefore, notAfter);
  const serial = der.integerFromHex(checkedSerial(options.serialNumber));
  const subjectName = encodeName(subject);
  const subjectKeyId = keyIdentifier(subjectPublicKey);
  const signer = options.issuer
    ? issuerIdentity(options.issuer)
    : selfIdentity(options.signingKey, subjectPublicKey, subjectName, subjectKeyId);

  const algorithm = der.sequence(der.objectIdentifier(OID.sha256WithRSAEncryption), der.null());
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    serial,
    algorithm,
    signer.name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subjectName,
    subjectPublicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions(options, subjectKeyId, signer.keyId))),
  );
  const signature = sign('sha256', tbs, signer.privateKey);
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  const base64 = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}

/**
 * RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits, the value OpenSSL computes for
 * `subjectKeyIdentifier=hash`, so our identifiers agree with certificates made by `openssl`.
 */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = DerNode.parse(publicKey.export({ type: 'spki', format: 'der' }));
  return createHash('sha1').update(spki.child(1, 'subjectPublicKey').contents.subarray(1)).digest();
}

interface SignerIdentity {
  name: Buffer;
  keyId: Buffer;
  privateKey: KeyObject;
}

function issuerIdentity(issuer: CertificateIssuer): SignerIdentity {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(issuer.certificatePem);
  } catch (cause) {
    throw new WechatPayConfigError('issuer certificate could not be parsed', { cause });
  }
  if (!certificate.ca) throw new WechatPayConfigError('issuer certificate is not a CA (basicConstraints cA)');
  const privateKey = checkedSigningKey(issuer.privateKey, certificate.publicKey, 'issuer private key');
  const fields = readCertificateFields(certificate.raw);
  const ski = fields.extensions.get(OID.subjectKeyIdentifier);
  return {
    name: fields.subjectName,
    keyId: ski ? DerNode.parse(ski).contents : keyIdentifier(certificate.publicKey),
    privateKey,
  };
}

function selfIdentity(
  signingKey: KeyObject | undefined,
  subjectPublicKey: KeyObject,
  name: Buffer,
  keyId: Buffer,
): SignerIdentity {
  if (!signingKey) {
    throw new WechatPayValidationError(
      'signingKey',
      'a self-signed certificate needs the subject private key',
    );
  }
  return { name, keyId, privateKey: checkedSigningKey(signingKey, subjectPublicKey, 'signing key') };
}

function checkedSigningKey(key: KeyObject, expectedPublic: KeyObject, what: string): KeyObject {
  if (key?.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new WechatPayConfigError(`${what} must be an RSA private KeyObject`);
  }
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(spki(expectedPublic))) {
    throw new WechatPayConfigError(`${what} does not match the certificate's public key`);
  }
  return key;
}

function toPublicKey(key: KeyObject): KeyObject {
  if (key?.type === 'public') return key;
  if (key?.type === 'private') return createPublicKey(key);
  throw new WechatPayValidationError('subjectPublicKey', 'subjectPublicKey must be an asymmetric KeyObject');
}

function encodeName(subject: CertificateSubject): Buffer {
  const attribute = (oid: string, value: Buffer) => der.set(der.sequence(der.objectIdentifier(oid), value));
  const text = (field: string, value: string) => {
    if (typeof value !== 'string' || value.length === 0 || [...value].length > 64) {
      throw new WechatPayValidationError(`subject.${field}`, `subject ${field} must be 1 to 64 characters`);
    }
    return der.utf8String(value);
  };
  const rdns: Buffer[] = [];
  if (subject.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(subject.country)) {
      throw new WechatPayValidationError('subject.country', 'subject country must be two upper-case letters');
    }
    rdns.push(attribute(OID.countryName, der.printableString(subject.country)));
  }
  if (subject.organization !== undefined) {
    rdns.push(attribute(OID.organizationName, text('organization', subject.organization)));
  }
  if (subject.organizationalUnit !== undefined) {
    rdns.push(attribute(OID.organizationalUnitName, text('organizationalUnit', subject.organizationalUnit)));
  }
  rdns.push(attribute(OID.commonName, text('commonName', subject.commonName)));
  return der.sequence(...rdns);
}

function extensions(
  options: IssueCertificateOptions,
  subjectKeyId: Buffer,
  authorityKeyId: Buffer,
): Buffer[] {
  const extension = (oid: string, critical: boolean, value: Buffer) =>
    der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
  const { digitalSignature, keyEncipherment, keyCertSign, cRLSign } = KEY_USAGE_BITS;
  const list = [
    extension(OID.basicConstraints, true, options.ca ? der.sequence(der.boolean(true)) : der.sequence()),
    extension(
      OID.keyUsage,
      true,
      der.namedBits(options.ca ? [keyCertSign, cRLSign] : [digitalSignature, keyEncipherment]),
    ),
  ];
  const usages = options.extendedKeyUsage ?? [];
  if (usages.length > 0) {
    list.push(extension(OID.extKeyUsage, false, der.sequence(...usages.map(extendedKeyUsageOid))));
  }
  const names = subjectAltNames(options.subjectAltNames);
  if (names.length > 0) list.push(extension(OID.subjectAltName, false, der.sequence(...names)));
  list.push(
    extension(OID.subjectKeyIdentifier, false, der.octetString(subjectKeyId)),
    extension(
      OID.authorityKeyIdentifier,
      false,
      der.sequence(der.implicit(0, der.octetString(authorityKeyId))),
    ),
  );
  return list;
}

function extendedKeyUsageOid(usage: ExtendedKeyUsage): Buffer {
  if (usage !== 'serverAuth' && usage !== 'clientAuth') {
    throw new WechatPayValidationError(
      'extendedKeyUsage',
      `unsupported extended key usage "${String(usage)}"`,
    );
  }
  return der.objectIdentifier(OID[usage]);
}

function subjectAltNames(names: IssueCertificateOptions['subjectAltNames']): Buffer[] {
  const dns = (names?.dns ?? []).map((name) => {
    if (typeof name !== 'string' || !isDnsName(name)) {
      throw new WechatPayValidationError('subjectAltNames.dns', `"${String(name)}" is not a valid DNS name`);
    }
    return der.implicit(2, der.ia5String(name.toLowerCase()));
  });
  const ips = (names?.ip ?? []).map((ip) => {
    const bytes = typeof ip === 'string' ? ipAddressBytes(ip) : undefined;
    if (!bytes)
      throw new WechatPayValidationError('subjectAltNames.ip', `"${String(ip)}" is not an IP address`);
    return der.implicit(7, der.octetString(bytes));
  });
  return [...dns, ...ips];
}

function checkedSerial(serialNumber: string): string {
  if (typeof serialNumber !== 'string' || !/^[0-9a-fA-F]{1,42}$/.test(serialNumber)) {
    throw new WechatPayValidationError('serialNumber', 'serial number must be a hexadecimal string');
  }
  const value = BigInt(`0x${serialNumber}`);
  // 20 content octets, sign byte included: the top bit of a 20-byte serial must be clear
  if (value === 0n || value >= 1n << 159n) {
    throw new WechatPayValidationError(
      'serialNumber',
      'serial number must be positive and fit 20 DER octets',
    );
  }
  return serialNumber;
}

function checkValidity(notBefore: Date, notAfter: Date): void {
  const valid = (d: Date) => d instanceof Date && !Number.isNaN(d.getTime());
  if (!valid(notBefore) || !valid(notAfter) || notAfter.getTime() <= notBefore.getTime()) {
    throw new WechatPayValidationError(
      'notAfter',
      'validity needs two valid dates with notBefore < notAfter',
    );
  }
}
