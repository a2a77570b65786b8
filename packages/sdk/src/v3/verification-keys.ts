import type { KeyObject } from 'node:crypto';
import { type KeyInput, loadPublicKey } from '../crypto/rsa.js';

/**
 * Where the verifier finds the WeChat Pay key named by `Wechatpay-Serial`. Lookup is synchronous so
 * verifying stays on the hot path without an await; a store that can learn new keys (platform
 * certificates) exposes `refresh`, which callers run once when a serial is unknown.
 */
export interface VerificationKeyStore {
  get(serial: string): KeyObject | undefined;
  refresh?(): Promise<void>;
  /** Serials currently known, for error messages. */
  serials(): string[];
}

/**
 * The WeChat Pay public-key mode (merchants created since late 2024): one public key named by a
 * `PUB_KEY_ID_…` id, downloaded once from the merchant platform.
 */
export class PublicKeyStore implements VerificationKeyStore {
  readonly #id: string;
  readonly #key: KeyObject;

  constructor(publicKeyId: string, publicKey: KeyInput) {
    this.#id = publicKeyId;
    this.#key = loadPublicKey(publicKey);
  }

  get(serial: string): KeyObject | undefined {
    return serial === this.#id ? this.#key : undefined;
  }

  serials(): string[] {
    return [this.#id];
  }
}

/** A fixed set of keys by serial (pinned platform certificates, tests). */
export class StaticKeyStore implements VerificationKeyStore {
  readonly #keys = new Map<string, KeyObject>();

  constructor(keys: Record<string, KeyInput> = {}) {
    for (const [serial, key] of Object.entries(keys)) this.add(serial, key);
  }

  add(serial: string, key: KeyInput): void {
    this.#keys.set(serial, loadPublicKey(key));
  }

  get(serial: string): KeyObject | undefined {
    return this.#keys.get(serial);
  }

  serials(): string[] {
    return [...this.#keys.keys()];
  }
}

/**
 * Several stores at once: during the migration from platform certificates to the public key WeChat
 * signs with either, so both must verify.
 */
export class CompositeKeyStore implements VerificationKeyStore {
  readonly #stores: VerificationKeyStore[];

  constructor(stores: VerificationKeyStore[]) {
    this.#stores = stores;
  }

  get(serial: string): KeyObject | undefined {
    for (const store of this.#stores) {
      const key = store.get(serial);
      if (key) return key;
    }
    return undefined;
  }

  async refresh(): Promise<void> {
    await Promise.all(this.#stores.map((s) => s.refresh?.()));
  }

  serials(): string[] {
    return this.#stores.flatMap((s) => s.serials());
  }
}
