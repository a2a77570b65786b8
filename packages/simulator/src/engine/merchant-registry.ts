import { createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { loadPrivateKey } from '@wechatpay-kit/sdk/crypto';
import type { MerchantRecord, SimApp, V3SigningMode } from './sim-records.js';
import type { Collection, StateStore } from './state-store.js';

/** What issuing a merchant's key material yields (see `pki/merchant-credentials.ts`). */
export interface MerchantCredentials {
  merchant: { privateKeyPem: string; certificatePem: string; serialNo: string };
  platform: { privateKeyPem: string; certificatePem: string; serialNo: string };
  publicKey: { id: string; privateKeyPem: string; publicKeyPem: string };
}

export type IssueCredentials = (mchid: string, merchantName: string) => Promise<MerchantCredentials>;

export interface NewMerchant {
  mchid?: string;
  name?: string;
  apps?: SimApp[];
  apiKey?: string;
  apiV3Key?: string;
  v3SigningMode?: V3SigningMode;
  nativeCallbackUrl?: string;
  /** H5 pay domains; default the loopback names, where a developer's service runs. */
  h5Domains?: string[];
  /** Supply keys instead of generating them. */
  credentials?: MerchantCredentials;
}

/** Parsed keys of a merchant, built once: verifying and signing must not re-parse PEM per request. */
export interface MerchantKeys {
  /** Verifies the merchant's v3 `Authorization` (from its API certificate). */
  merchantPublicKey: KeyObject;
  /** Signs v3 answers/callbacks in the merchant's current mode, with the serial to announce. */
  v3Signing: { privateKey: KeyObject; serial: string };
  platformPrivateKey: KeyObject;
  publicModePrivateKey: KeyObject;
}

/**
 * Merchants the simulator serves, with their apps and keys. The first start creates a demo merchant
 * so `npm start` needs no set-up; more can be added through the control API, with generated or
 * supplied keys.
 */
export class MerchantRegistry {
  readonly #merchants: Collection<MerchantRecord>;
  readonly #issue: IssueCredentials;
  readonly #now: () => number;
  readonly #keys = new Map<string, MerchantKeys>();

  constructor(store: StateStore, issue: IssueCredentials, now: () => number) {
    this.#merchants = store.collection<MerchantRecord>('merchants', (m) => m.mchid);
    this.#issue = issue;
    this.#now = now;
  }

  get(mchid: string): MerchantRecord | undefined {
    return this.#merchants.get(mchid);
  }

  list(): MerchantRecord[] {
    return [...this.#merchants.values()];
  }

  /** The merchant an appid is bound to, with that app. */
  byAppid(appid: string): { merchant: MerchantRecord; app: SimApp } | undefined {
    for (const merchant of this.#merchants.values()) {
      const app = merchant.apps.find((a) => a.appid === appid);
      if (app) return { merchant, app };
    }
    return undefined;
  }

  keys(mchid: string): MerchantKeys {
    let keys = this.#keys.get(mchid);
    if (!keys) {
      const m = this.#merchants.get(mchid);
      if (!m) throw new Error(`unknown merchant ${mchid}`);
      const platformPrivateKey = loadPrivateKey(m.platformPrivateKeyPem);
      const publicModePrivateKey = loadPrivateKey(m.publicKeyPrivatePem);
      keys = {
        merchantPublicKey: new X509Certificate(m.merchantCertificatePem).publicKey,
        platformPrivateKey,
        publicModePrivateKey,
        v3Signing:
          m.v3SigningMode === 'public-key'
            ? { privateKey: publicModePrivateKey, serial: m.publicKeyId }
            : { privateKey: platformPrivateKey, serial: m.platformSerialNo },
      };
      this.#keys.set(mchid, keys);
    }
    return keys;
  }

  /** Creates a merchant; every field not given is generated. */
  async create(input: NewMerchant = {}): Promise<MerchantRecord> {
    const mchid = input.mchid ?? this.#freeMchid();
    if (this.#merchants.get(mchid)) throw new Error(`merchant ${mchid} exists`);
    const name = input.name ?? `模拟商户 ${mchid}`;
    const credentials = input.credentials ?? (await this.#issue(mchid, name));
    createPublicKey(credentials.publicKey.publicKeyPem); // refuse unusable supplied keys up front
    const record: MerchantRecord = {
      mchid,
      name,
      apps: input.apps ?? defaultApps(mchid),
      apiKey: input.apiKey ?? randomKey(),
      apiV3Key: input.apiV3Key ?? randomKey(),
      merchantPrivateKeyPem: credentials.merchant.privateKeyPem,
      merchantCertificatePem: credentials.merchant.certificatePem,
      merchantSerialNo: credentials.merchant.serialNo,
      platformPrivateKeyPem: credentials.platform.privateKeyPem,
      platformCertificatePem: credentials.platform.certificatePem,
      platformSerialNo: credentials.platform.serialNo,
      publicKeyId: credentials.publicKey.id,
      publicKeyPem: credentials.publicKey.publicKeyPem,
      publicKeyPrivatePem: credentials.publicKey.privateKeyPem,
      v3SigningMode: input.v3SigningMode ?? 'public-key',
      nativeCallbackUrl: input.nativeCallbackUrl,
      h5Domains: input.h5Domains ?? [...DEFAULT_H5_DOMAINS],
      createdAt: this.#now(),
    };
    if (record.apiKey.length !== 32 || record.apiV3Key.length !== 32) {
      throw new Error('apiKey and apiV3Key must be 32 characters');
    }
    return this.#merchants.set(record);
  }

  /** Changes settings of a merchant (signing mode, mode-1 callback URL, H5 domains). */
  update(
    mchid: string,
    patch: Partial<
      Pick<MerchantRecord, 'v3SigningMode' | 'nativeCallbackUrl' | 'sandboxSignKey' | 'h5Domains'>
    >,
  ): MerchantRecord {
    const record = this.#merchants.get(mchid);
    if (!record) throw new Error(`unknown merchant ${mchid}`);
    Object.assign(record, patch);
    this.#keys.delete(mchid);
    this.#merchants.touch();
    return record;
  }

  #freeMchid(): string {
    for (let n = 1_900_000_109; ; n += 1000) {
      if (!this.#merchants.get(String(n))) return String(n);
    }
  }
}

/** Where a developer's own service runs: what a new merchant's H5 pay domains are until set. */
const DEFAULT_H5_DOMAINS = ['127.0.0.1', 'localhost'];

/** The merchant's H5 pay domains (those of merchants saved before they existed: the defaults). */
export function h5DomainsOf(merchant: MerchantRecord): string[] {
  return merchant.h5Domains ?? [...DEFAULT_H5_DOMAINS];
}

function randomKey(): string {
  return randomBytes(24).toString('base64').replace(/[+/]/g, 'x').slice(0, 32);
}

/** An official account, a mini-program and an app per merchant, with ids derived from the mchid. */
function defaultApps(mchid: string): SimApp[] {
  const tail = Number(mchid).toString(16).padStart(8, '0').slice(-8);
  return [
    { appid: `wx5a${tail}0a0c01`, secret: randomKey(), kind: 'official-account', name: '模拟公众号' },
    { appid: `wx5a${tail}0b0c02`, secret: randomKey(), kind: 'mini-program', name: '模拟小程序' },
    { appid: `wx5a${tail}0c0c03`, secret: randomKey(), kind: 'app', name: '模拟 App' },
  ];
}
