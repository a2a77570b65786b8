import { type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WechatPayConfigError, WechatPayValidationError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IssueCertificateOptions, issueCertificate } from '../../src/pki/certificate-issuer.js';
import { generateRsaKeyPair } from '../../src/pki/rsa-key-pair.js';
import { openssl, temporaryDirectory } from './pki-test-support.js';

type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };

const CA_SERIAL = '0A11';
const LEAF_SERIAL = '6CF729BC6F8B1596BB1C4CD9DB6338C9D02E1694';
const caNotBefore = new Date('2024-01-01T00:00:00Z');
const caNotAfter = new Date('2060-01-01T00:00:00Z');
const leafNotBefore = new Date('2025-03-04T05:06:07Z');
const leafNotAfter = new Date('2030-03-04T05:06:07Z');

describe('issueCertificate', () => {
  const dir = temporaryDirectory();
  let caKeys: KeyPair;
  let leafKeys: KeyPair;
  let otherKeys: KeyPair;
  let caPem: string;
  let leafPem: string;
  let leafOptions: IssueCertificateOptions;

  beforeAll(async () => {
    [caKeys, leafKeys, otherKeys] = await Promise.all([
      generateRsaKeyPair(),
      generateRsaKeyPair(),
      generateRsaKeyPair(),
    ]);
    caPem = issueCertificate({
      subject: { commonName: 'Test Root', organization: 'wechatpay-kit tests', country: 'CN' },
      subjectPublicKey: caKeys.publicKey,
      signingKey: caKeys.privateKey,
      serialNumber: CA_SERIAL,
      notBefore: caNotBefore,
      notAfter: caNotAfter,
      ca: true,
    });
    leafOptions = {
      subject: {
        commonName: '1900000109',
        organization: '测试商户',
        organizationalUnit: 'Tenpay.com',
        country: 'CN',
      },
      subjectPublicKey: leafKeys.publicKey,
      issuer: { certificatePem: caPem, privateKey: caKeys.privateKey },
      serialNumber: LEAF_SERIAL,
      notBefore: leafNotBefore,
      notAfter: leafNotAfter,
      subjectAltNames: {
        dns: ['localhost', 'API.mch.weixin.qq.com', '*.example.com'],
        ip: ['127.0.0.1', '::1', '2001:db8::ffff:1.2.3.4'],
      },
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
    };
    leafPem = issueCertificate(leafOptions);
    dir.file('ca.pem', caPem);
    dir.file('leaf.pem', leafPem);
  });
  afterAll(() => dir.remove());

  describe('as node:crypto reads it', () => {
    it('makes a self-signed CA certificate', () => {
      const ca = new X509Certificate(caPem);
      expect(ca.serialNumber).toBe(CA_SERIAL);
      expect(ca.subject).toBe('C=CN\nO=wechatpay-kit tests\nCN=Test Root');
      expect(ca.issuer).toBe(ca.subject);
      expect(ca.ca).toBe(true);
      expect(ca.checkIssued(ca)).toBe(true);
      expect(ca.verify(caKeys.publicKey)).toBe(true);
      expect(ca.verify(otherKeys.publicKey)).toBe(false);
      expect(new Date(ca.validFrom)).toEqual(caNotBefore);
      expect(new Date(ca.validTo)).toEqual(caNotAfter); // 2060: GeneralizedTime
    });

    it('makes a leaf issued by the CA, with its names, key, usages and validity', () => {
      const ca = new X509Certificate(caPem);
      const leaf = new X509Certificate(leafPem);
      expect(leaf.serialNumber).toBe(LEAF_SERIAL);
      expect(leaf.subject).toBe('C=CN\nO=测试商户\nOU=Tenpay.com\nCN=1900000109');
      expect(leaf.issuer).toBe(ca.subject);
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(ca.checkIssued(leaf)).toBe(false);
      expect(leaf.verify(caKeys.publicKey)).toBe(true);
      expect(leaf.verify(otherKeys.publicKey)).toBe(false);
      expect(leaf.verify(leafKeys.publicKey)).toBe(false);
      expect(leaf.publicKey.equals(leafKeys.publicKey)).toBe(true);
      expect(new Date(leaf.validFrom)).toEqual(leafNotBefore);
      expect(new Date(leaf.validTo)).toEqual(leafNotAfter);
      expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(leaf.subjectAltName).toBe(
        'DNS:localhost, DNS:api.mch.weixin.qq.com, DNS:*.example.com, IP Address:127.0.0.1, ' +
          'IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:FFFF:102:304',
      );
      expect(leaf.checkHost('api.mch.weixin.qq.com')).toBe('api.mch.weixin.qq.com');
      expect(leaf.checkHost('pay.example.com')).toBe('*.example.com');
      expect(leaf.checkHost('api.weixin.qq.com')).toBeUndefined();
      expect(leaf.checkIP('::1')).toBe('::1');
      expect(leaf.checkIP('127.0.0.2')).toBeUndefined();
    });

    it('produces a signature that fails once one byte of the signed part changes', () => {
      const derBytes = new X509Certificate(leafPem).raw;
      const at = derBytes.indexOf(Buffer.from('1900000109'));
      expect(at).toBeGreaterThan(0);
      derBytes[at] = '2'.charCodeAt(0);
      const altered = new X509Certificate(derBytes);
      expect(altered.subject).toContain('CN=2900000109');
      expect(altered.verify(caKeys.publicKey)).toBe(false);
    });

    it('accepts the largest serial that fits 20 octets', () => {
      const serial = `7F${'FF'.repeat(19)}`;
      const pem = issueCertificate({ ...leafOptions, serialNumber: serial });
      expect(new X509Certificate(pem).serialNumber).toBe(serial);
    });
  });

  describe('as openssl reads it', () => {
    it('prints a v3 sha256WithRSA certificate with the expected extensions', () => {
      const ca = openssl(['x509', '-noout', '-text', '-in', 'ca.pem'], dir.path);
      expect(ca.ok, ca.output).toBe(true);
      expect(ca.output).toContain('Version: 3 (0x2)');
      expect(ca.output).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(ca.output).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
      expect(ca.output).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
      expect(ca.output).toContain('Not After : Jan  1 00:00:00 2060 GMT');

      const leaf = openssl(['x509', '-noout', '-text', '-nameopt', 'utf8', '-in', 'leaf.pem'], dir.path);
      expect(leaf.ok, leaf.output).toBe(true);
      expect(leaf.output).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
      expect(leaf.output).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
      expect(leaf.output).toMatch(
        /Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/,
      );
      expect(leaf.output).toContain('IP Address:0:0:0:0:0:0:0:1');
      expect(leaf.output).toContain('O=测试商户');
    });

    it('links the leaf to the CA by key identifier, computed the way openssl computes it', () => {
      dir.file('ca-key.pem', caKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const reference = openssl(
        [
          'req',
          '-new',
          '-x509',
          '-key',
          'ca-key.pem',
          '-subj',
          '/CN=ref',
          '-addext',
          'subjectKeyIdentifier=hash',
          '-out',
          'ref.pem',
        ],
        dir.path,
      );
      expect(reference.ok, reference.output).toBe(true);
      const keyId = (file: string, ext: string) =>
        /Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(
          openssl(['x509', '-noout', '-ext', ext, '-in', file], dir.path).output,
        )?.[1];
      const caSki = keyId('ca.pem', 'subjectKeyIdentifier');
      expect(caSki).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
      expect(keyId('ref.pem', 'subjectKeyIdentifier')).toBe(caSki);
      expect(keyId('leaf.pem', 'authorityKeyIdentifier')).toBe(caSki);
      expect(keyId('leaf.pem', 'subjectKeyIdentifier')).not.toBe(caSki);
    });

    it('verifies the chain strictly, for server and client purposes', () => {
      for (const purpose of ['sslserver', 'sslclient']) {
        const result = openssl(
          ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', 'ca.pem', 'leaf.pem'],
          dir.path,
        );
        expect(result.ok, result.output).toBe(true);
        expect(result.output.trim()).toBe('leaf.pem: OK');
      }
    });

    it('does not verify the leaf against a different CA with the same name', () => {
      dir.file(
        'impostor.pem',
        issueCertificate({
          subject: { commonName: 'Test Root', organization: 'wechatpay-kit tests', country: 'CN' },
          subjectPublicKey: otherKeys.publicKey,
          signingKey: otherKeys.privateKey,
          serialNumber: CA_SERIAL,
          notBefore: caNotBefore,
          notAfter: caNotAfter,
          ca: true,
        }),
      );
      const result = openssl(['verify', '-CAfile', 'impostor.pem', 'leaf.pem'], dir.path);
      expect(result.ok).toBe(false);
      expect(result.output).not.toContain('leaf.pem: OK');
    });

    it('issues under a CA that openssl made, copying its subject and key identifier', () => {
      const made = openssl(
        [
          'req',
          '-new',
          '-x509',
          '-key',
          'ca-key.pem',
          '-days',
          '30',
          '-out',
          'openssl-ca.pem',
          '-subj',
          '/C=CN/ST=Guangdong/O=OpenSSL made/CN=Other Root',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        dir.path,
      );
      expect(made.ok, made.output).toBe(true);
      const opensslCa = new X509Certificate(readFileSync(join(dir.path, 'openssl-ca.pem')));
      const leaf = issueCertificate({
        ...leafOptions,
        issuer: { certificatePem: opensslCa.toString(), privateKey: caKeys.privateKey },
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      dir.file('leaf-of-openssl-ca.pem', leaf);
      expect(new X509Certificate(leaf).issuer).toBe(opensslCa.subject);
      const result = openssl(
        ['verify', '-x509_strict', '-CAfile', 'openssl-ca.pem', 'leaf-of-openssl-ca.pem'],
        dir.path,
      );
      expect(result.output.trim()).toBe('leaf-of-openssl-ca.pem: OK');
    });
  });

  describe('input checks', () => {
    it('refuses bad serials, validity, names and SANs with validation errors', () => {
      const bad: Array<[Partial<IssueCertificateOptions>, string]> = [
        [{ serialNumber: '0' }, 'serialNumber'],
        [{ serialNumber: '80'.padEnd(40, '0') }, 'serialNumber'],
        [{ serialNumber: '12XY' }, 'serialNumber'],
        [{ notAfter: leafNotBefore }, 'notAfter'],
        [{ notBefore: new Date('nope') }, 'notAfter'],
        [{ subject: { commonName: '' } }, 'subject.commonName'],
        [{ subject: { commonName: 'x'.repeat(65) } }, 'subject.commonName'],
        [{ subject: { commonName: 'x', country: 'China' } }, 'subject.country'],
        [{ subjectAltNames: { dns: ['exa mple.com'] } }, 'subjectAltNames.dns'],
        [{ subjectAltNames: { dns: ['-bad.example.com'] } }, 'subjectAltNames.dns'],
        [{ subjectAltNames: { ip: ['300.1.1.1'] } }, 'subjectAltNames.ip'],
        [{ subjectAltNames: { ip: ['fe80::1%eth0'] } }, 'subjectAltNames.ip'],
        [{ extendedKeyUsage: ['codeSigning' as 'serverAuth'] }, 'extendedKeyUsage'],
        [{ issuer: undefined }, 'signingKey'],
      ];
      for (const [override, field] of bad) {
        const attempt = () => issueCertificate({ ...leafOptions, ...override });
        expect(attempt, field).toThrow(WechatPayValidationError);
        try {
          attempt();
        } catch (error) {
          expect((error as WechatPayValidationError).field).toBe(field);
        }
      }
    });

    it('refuses signing keys that do not match, and issuers that are not CAs, without leaking keys', () => {
      const errors = [
        () =>
          issueCertificate({
            ...leafOptions,
            issuer: { certificatePem: caPem, privateKey: otherKeys.privateKey },
          }),
        () =>
          issueCertificate({
            ...leafOptions,
            issuer: { certificatePem: leafPem, privateKey: leafKeys.privateKey },
          }),
        () =>
          issueCertificate({
            ...leafOptions,
            issuer: { certificatePem: 'not a certificate', privateKey: caKeys.privateKey },
          }),
        () => issueCertificate({ ...leafOptions, issuer: undefined, signingKey: otherKeys.privateKey }),
        () => issueCertificate({ ...leafOptions, issuer: undefined, signingKey: leafKeys.publicKey }),
      ];
      for (const attempt of errors) {
        expect(attempt).toThrow(WechatPayConfigError);
        try {
          attempt();
        } catch (error) {
          expect((error as Error).message).not.toMatch(/PRIVATE KEY|MII/);
        }
      }
    });
  });
});
