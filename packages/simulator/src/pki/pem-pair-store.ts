import { createPrivateKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WechatPayConfigError } from '@wechatpay-kit/sdk';

/** A certificate and its private key as read back. */
export interface StoredPemPair {
  certificate: X509Certificate;
  certificatePem: string;
  privateKey: KeyObject;
  privateKeyPem: string;
}

/**
 * A certificate and its key kept side by side as `<stem>-cert.pem` / `<stem>-key.pem`, so users
 * can point `NODE_EXTRA_CA_CERTS` or a TLS server at them. Each file is replaced atomically
 * (write to a temporary name, then rename) and the key is created with mode 0600, so a crash
 * or a concurrent reader never sees half a key. The key is written first, so a crash while
 * creating a pair leaves a lone key that `read()` reports as absent.
 * Without a directory the pair lives in memory only (an in-process simulator in tests).
 */
export class PemPairStore {
  /** `undefined` for an in-memory store. */
  readonly certificatePath: string | undefined;
  readonly keyPath: string | undefined;
  private readonly dir: string | undefined;
  private memory: StoredPemPair | undefined;

  constructor(dir: string | undefined, stem: string) {
    this.dir = dir;
    this.certificatePath = dir === undefined ? undefined : join(dir, `${stem}-cert.pem`);
    this.keyPath = dir === undefined ? undefined : join(dir, `${stem}-key.pem`);
  }

  /**
   * The stored pair, or `undefined` when either file is missing. A pair that cannot be parsed or
   * whose key does not belong to the certificate is a configuration error, never silently replaced.
   */
  async read(): Promise<StoredPemPair | undefined> {
    if (this.certificatePath === undefined || this.keyPath === undefined) return this.memory;
    const [certificatePem, privateKeyPem] = await Promise.all([
      readOptional(this.certificatePath),
      readOptional(this.keyPath),
    ]);
    if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
    return this.parse(certificatePem, privateKeyPem);
  }

  async write(certificatePem: string, privateKeyPem: string): Promise<void> {
    const pair = this.parse(certificatePem, privateKeyPem);
    if (this.dir === undefined || this.certificatePath === undefined || this.keyPath === undefined) {
      this.memory = pair;
      return;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeAtomically(this.keyPath, privateKeyPem, 0o600);
    await writeAtomically(this.certificatePath, certificatePem, 0o644);
  }

  private parse(certificatePem: string, privateKeyPem: string): StoredPemPair {
    const name = this.certificatePath ?? 'in-memory certificate';
    let certificate: X509Certificate;
    let privateKey: KeyObject;
    try {
      certificate = new X509Certificate(certificatePem);
      privateKey = createPrivateKey(privateKeyPem);
    } catch (cause) {
      throw new WechatPayConfigError(`${name} or its key could not be parsed`, { cause });
    }
    if (!certificate.checkPrivateKey(privateKey)) {
      throw new WechatPayConfigError(`the key stored beside ${name} does not belong to it`);
    }
    return { certificate, certificatePem, privateKey, privateKeyPem };
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data, { mode, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
