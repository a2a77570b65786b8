import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const SEALED = 'aes256gcm:';
const PLAIN = 'plain:';

/**
 * Secrets at rest. With a key (`WEBHOOK_ENCRYPTION_KEY`, hashed to 256 bits) a secret is stored
 * AES-256-GCM encrypted with a fresh IV, so a copy of the database alone does not give it away;
 * without one it is stored as it is, marked so. Each stored value says which it is, so setting a
 * key later still reads the secrets stored before it.
 */
export class SecretBox {
  readonly #key: Buffer | undefined;

  constructor(passphrase?: string) {
    this.#key = passphrase === undefined ? undefined : createHash('sha256').update(passphrase).digest();
  }

  seal(secret: string): string {
    if (!this.#key) return `${PLAIN}${secret}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${SEALED}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
  }

  /** The secret; throws (naming no secret) when it was sealed with a key this box does not have. */
  open(stored: string): string {
    if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
    if (!stored.startsWith(SEALED)) throw new Error('a stored secret has an unknown format');
    if (!this.#key) {
      throw new Error('a webhook secret is stored encrypted, but WEBHOOK_ENCRYPTION_KEY is not set');
    }
    const raw = Buffer.from(stored.slice(SEALED.length), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        'a webhook secret cannot be decrypted: WEBHOOK_ENCRYPTION_KEY is not the one it was stored with',
      );
    }
  }
}
