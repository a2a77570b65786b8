import { type KeyObject, X509Certificate } from 'node:crypto';
import { WechatPayValidationError } from '@wechatpay-kit/sdk';
import { type CaOptions, type LoadedCa, loadOrCreateCa } from './ca-store.js';
import { readCertificateFields } from './certificate-fields.js';
import { type CertificateIssuer, issueCertificate } from './certificate-issuer.js';
import { DerNode } from './der-node.js';
import { ipAddressBytes, isDnsName } from './host-names.js';
import { MerchantCa } from './merchant-ca.js';
import { PemPairStore } from './pem-pair-store.js';
import { generateRsaKeyPair } from './rsa-key-pair.js';
import { randomSerialNo } from './serial-number.js';
import { OID } from './x509-oids.js';

/** A TLS server certificate and its key, PEM (PKCS#8 key), ready for `https.createServer`. */
export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Apple platforms refuse TLS server certificates valid for longer, even under a private root. */
const SERVER_VALIDITY_DAYS = 825;
const RENEW_BEFORE_DAYS = 30;
const CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * The simulator's local HTTPS root (`wechatpay-kit local CA`). It lets an unmodified client with
 * `https://api.mch.weixin.qq.com` hard-coded talk to the simulator: point the name at it, trust
 * `ca-cert.pem` (`NODE_EXTRA_CA_CERTS`), and the handshake succeeds with full verification on.
 * The CA and the last server certificate persist in one directory, so trust survives restarts.
 */
export class LocalCa implements CertificateIssuer {
  /** Always in the server certificate: loopback and the WeChat hosts an unmodified client calls. */
  static readonly DEFAULT_HOSTS: readonly string[] = Object.freeze([
    'localhost',
    '127.0.0.1',
    '::1',
    'api.mch.weixin.qq.com',
    'api.weixin.qq.com',
    'open.weixin.qq.com',
  ]);

  /** `undefined`: nothing is persisted (an in-process simulator in tests). */
  readonly dir: string | undefined;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  /** Where the CA certificate lives: the file to hand to `NODE_EXTRA_CA_CERTS`. */
  readonly certificatePath: string | undefined;
  private readonly clock: () => Date;
  private readonly serverStore: PemPairStore;
  private readonly certificate: X509Certificate;

  private constructor(dir: string | undefined, ca: LoadedCa, clock: () => Date) {
    this.dir = dir;
    this.certificatePem = ca.certificatePem;
    this.privateKey = ca.privateKey;
    this.certificatePath = ca.certificatePath;
    this.certificate = new X509Certificate(ca.certificatePem);
    this.clock = clock;
    this.serverStore = new PemPairStore(dir, 'server');
  }

  /**
   * Loads `ca-cert.pem` / `ca-key.pem` from `dir`, creating a 10-year CA on first use. Without
   * `dir` the CA and its server certificates live in memory only.
   */
  static async loadOrCreate(dir: string | undefined, options: CaOptions = {}): Promise<LocalCa> {
    const clock = options.clock ?? (() => new Date());
    const ca = await loadOrCreateCa(
      dir,
      { stem: 'ca', commonName: 'wechatpay-kit local CA', organization: 'wechatpay-kit' },
      clock(),
    );
    return new LocalCa(dir, ca, clock);
  }

  /**
   * The merchant CA kept in the same directory (`merchant-ca-*.pem`): see {@link MerchantCa} for
   * why it is a separate root.
   */
  static loadOrCreateMerchantCa(dir: string | undefined, options: CaOptions = {}): Promise<MerchantCa> {
    return MerchantCa.loadOrCreate(dir, options);
  }

  /**
   * A server certificate for the default hosts plus `hosts`, persisted as `server-cert.pem` /
   * `server-key.pem`. The stored one is returned while it was issued by this CA, names exactly
   * the same hosts and has more than 30 days left; otherwise a new key and certificate replace it.
   */
  async issueServerCertificate(hosts: readonly string[] = []): Promise<ServerCertificate> {
    // checked before a key is generated, so a typo fails at once
    const bad = Array.isArray(hosts)
      ? hosts.find((host) => typeof host !== 'string' || (!ipAddressBytes(host) && !isDnsName(host)))
      : hosts;
    if (bad !== undefined) {
      throw new WechatPayValidationError('hosts', `"${String(bad)}" is neither a DNS name nor an IP address`);
    }
    const wanted = new Map<string, string>();
    for (const host of [...LocalCa.DEFAULT_HOSTS, ...hosts]) wanted.set(sanKey(host), host);
    const now = this.clock();

    const stored = await this.serverStore.read().catch(() => undefined);
    if (stored && this.canReuse(stored.certificate, [...wanted.keys()], now)) {
      return { certPem: stored.certificatePem, keyPem: stored.privateKeyPem };
    }

    const names = [...wanted.values()];
    const ip = names.filter((name) => ipAddressBytes(name));
    const { publicKey, privateKey } = await generateRsaKeyPair();
    const certPem = issueCertificate({
      subject: { commonName: 'wechatpay-kit simulator', organization: 'wechatpay-kit' },
      subjectPublicKey: publicKey,
      issuer: this,
      serialNumber: randomSerialNo(),
      notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
      notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
      subjectAltNames: { dns: names.filter((name) => !ip.includes(name)), ip },
      extendedKeyUsage: ['serverAuth'],
    });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await this.serverStore.write(certPem, keyPem);
    return { certPem, keyPem };
  }

  private canReuse(certificate: X509Certificate, wanted: string[], now: Date): boolean {
    const notBefore = new Date(certificate.validFrom).getTime();
    const notAfter = new Date(certificate.validTo).getTime();
    if (notBefore > now.getTime() || notAfter - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    const issuedHere =
      certificate.checkIssued(this.certificate) && certificate.verify(this.certificate.publicKey);
    if (!issuedHere) return false;
    const present = storedSanKeys(certificate.raw);
    return present.length === wanted.length && wanted.every((key) => present.includes(key));
  }
}

/** One comparable key per SAN: DNS names case-insensitively, IP addresses by their bytes. */
function sanKey(host: string): string {
  const bytes = ipAddressBytes(host);
  return bytes ? `ip:${bytes.toString('hex')}` : `dns:${host.toLowerCase()}`;
}

function storedSanKeys(certificateDer: Buffer): string[] {
  const value = readCertificateFields(certificateDer).extensions.get(OID.subjectAltName);
  if (!value) return [];
  return DerNode.parse(value)
    .children()
    .map((name) => {
      if (name.tag === 0x82) return `dns:${name.contents.toString('latin1').toLowerCase()}`;
      if (name.tag === 0x87) return `ip:${name.contents.toString('hex')}`;
      return `other:${name.encoded.toString('hex')}`;
    });
}
