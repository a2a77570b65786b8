import type { KeyObject } from 'node:crypto';
import {
  type HttpClient,
  type HttpMethod,
  type HttpResponse,
  readStreamBody,
  streamWith,
  UndiciHttpClient,
} from '../core/http-client.js';
import type { AppPayParams, JsapiPayParams } from '../core/pay-params-types.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../core/retry.js';
import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { loadPublicKey, rsaOaepEncrypt } from '../crypto/rsa.js';
import { WechatPayConfigError, WechatPayFormatError, WechatPaySignatureError } from '../errors.js';
import { BillsResource } from './bills-resource.js';
import { PlatformCertificateStore } from './certificate-store.js';
import { RefundsResource } from './refunds-resource.js';
import { V3RequestSigner } from './request-signer.js';
import { header, V3ResponseVerifier } from './response-verifier.js';
import { TransactionsResource } from './transactions-resource.js';
import type { V3ClientOptions, V3Verification } from './v3-client-options.js';
import { v3ApiError } from './v3-error-mapper.js';
import { V3NotificationParser } from './v3-notification.js';
import {
  type AppPayParamsV3Input,
  appPayParamsV3,
  type JsapiPayParamsV3Input,
  jsapiPayParamsV3,
} from './v3-pay-params.js';
import type { V3RequestOptions, V3Transport } from './v3-types.js';
import { CompositeKeyStore, PublicKeyStore, type VerificationKeyStore } from './verification-keys.js';

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';
const SIGNATURE_HEADERS = [
  'wechatpay-signature',
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'wechatpay-serial',
];

interface EncryptionKey {
  serial: string;
  key: KeyObject;
}

/**
 * WeChat Pay API v3 client: one small core that signs the exact bytes it sends, verifies every
 * successful answer and maps errors, with thin typed resources on top (`transactions`, `refunds`,
 * `bills`). No answer reaches the caller unverified: a 2xx without a valid signature is an attack.
 */
export class V3Client {
  readonly mchid: string;
  /** Orders: create (Native, JSAPI/mini-program, App, H5), payment code (codepay, reverse), query, close. */
  readonly transactions: TransactionsResource;
  /** Refunds: create and query. */
  readonly refunds: RefundsResource;
  /** Daily trade and fund-flow bills, downloaded and checked against their digest. */
  readonly bills: BillsResource;
  /** The keys answers and notifications are verified with. */
  readonly keys: VerificationKeyStore;
  /** The downloaded platform certificates (modes `certificates` and `both`). */
  readonly certificates: PlatformCertificateStore | undefined;
  /** Parses callbacks with this client's keys and APIv3 key. */
  readonly notifications: V3NotificationParser;
  readonly #signer: V3RequestSigner;
  readonly #verifier: V3ResponseVerifier;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #baseUrl: string;
  readonly #timeoutMs: number | undefined;
  readonly #retry: RetryPolicy;
  readonly #userAgent: string;
  readonly #now: () => number;
  readonly #encryptionKey: () => Promise<EncryptionKey>;

  constructor(options: V3ClientOptions) {
    if (!options.mchid || !options.serialNo) {
      throw new WechatPayConfigError('mchid and serialNo are required');
    }
    this.mchid = options.mchid;
    this.#signer = new V3RequestSigner(options);
    this.#now = options.now ?? Date.now;
    this.#baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.#ownsHttp = options.http === undefined;
    this.#http = options.http ?? new UndiciHttpClient({ timeoutMs: options.timeoutMs });
    this.#timeoutMs = options.timeoutMs;
    this.#retry =
      options.retry === false ? { retries: 0, baseDelayMs: 0 } : { ...DEFAULT_RETRY, ...options.retry };
    this.#userAgent =
      options.userAgent ?? `wechatpay-kit/0.1 (node ${process.versions.node}; ${process.platform})`;

    const verification = options.verification ?? { mode: 'certificates' };
    const setup = verificationSetup(verification, {
      apiV3Key: options.apiV3Key,
      fetch: () => this.#send('GET', '/v3/certificates', ''),
      now: this.#now,
    });
    this.keys = setup.keys;
    this.certificates = setup.certificates;
    this.#encryptionKey = this.#encryptionKeySource(verification, setup.publicKey);

    this.#verifier = new V3ResponseVerifier({ keys: this.keys, now: this.#now });
    this.notifications = new V3NotificationParser({
      apiV3Key: options.apiV3Key,
      keys: this.keys,
      mchid: options.mchid,
      now: this.#now,
    });
    const transport: V3Transport = {
      mchid: this.mchid,
      request: (method, path, opts) => this.request(method, path, opts),
      download: (pathAndQuery) => this.#download(pathAndQuery),
      downloadStream: (pathAndQuery) => this.#downloadStream(pathAndQuery),
    };
    this.transactions = new TransactionsResource(transport);
    this.refunds = new RefundsResource(transport);
    this.bills = new BillsResource(transport);
  }

  /**
   * The core every resource goes through, public for endpoints without a typed method: signs the
   * JSON body exactly as sent, verifies the answer, parses it, maps errors to
   * {@link WechatPayApiError} and retries only calls marked `idempotent`.
   */
  async request<T>(method: HttpMethod, path: string, options: V3RequestOptions = {}): Promise<T> {
    const url = withQuery(path, options.query);
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    const attempt = async () => this.#answer<T>(await this.#send(method, url, body, options.wechatpaySerial));
    return options.idempotent ? withRetry(this.#retry, attempt) : attempt();
  }

  /**
   * Encrypts a sensitive field (name, ID number, phone…) with WeChat Pay's current key (RSA-OAEP):
   * the public key when one is configured (the direction WeChat is migrating to), otherwise the
   * newest platform certificate in effect. Send the request with `wechatpaySerial: serial` so
   * WeChat knows which of its private keys decrypts the field.
   */
  async encryptSensitive(plaintext: string): Promise<{ ciphertext: string; serial: string }> {
    const { serial, key } = await this.#encryptionKey();
    return { ciphertext: rsaOaepEncrypt(key, plaintext), serial };
  }

  /**
   * JSAPI / mini-program pay parameters (`paySign`) signed with this client's merchant key, parsed
   * once when the client was made, rather than once per order.
   */
  jsapiPayParams(input: JsapiPayParamsV3Input): JsapiPayParams<'RSA'> {
    return jsapiPayParamsV3({ ...input, signer: this.#signer });
  }

  /** App pay parameters signed with this client's merchant key; `partnerid` is this merchant. */
  appPayParams(input: Omit<AppPayParamsV3Input, 'partnerid'>): AppPayParams {
    return appPayParamsV3({ ...input, partnerid: this.mchid, signer: this.#signer });
  }

  /** Stops the background certificate refresh and closes the HTTP client if this client made it. */
  async close(): Promise<void> {
    this.certificates?.stop();
    if (this.#ownsHttp) await this.#http.close?.();
  }

  #send(method: HttpMethod, url: string, body: string, wechatpaySerial?: string): Promise<HttpResponse> {
    return this.#http.request({
      method,
      url: this.#baseUrl + url,
      headers: this.#headers(method, url, body, wechatpaySerial),
      ...(body ? { body } : {}),
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
  }

  #headers(method: HttpMethod, url: string, body: string, wechatpaySerial?: string): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: this.#signer.authorization(method, url, body, unixSeconds(this.#now()), nonceStr()),
      Accept: 'application/json',
      'User-Agent': this.#userAgent,
    };
    if (body) headers['Content-Type'] = 'application/json';
    if (wechatpaySerial) headers['Wechatpay-Serial'] = wechatpaySerial;
    return headers;
  }

  async #answer<T>(res: HttpResponse): Promise<T> {
    const signed = SIGNATURE_HEADERS.some((name) => header(res.headers, name) !== undefined);
    if (res.status < 200 || res.status >= 300) {
      if (signed) await this.#verifyErrorAnswer(res);
      throw v3ApiError(res);
    }
    // WeChat signs 204 answers too, but an empty 204 carries nothing an attacker could use.
    if (signed || res.status !== 204) await this.#verifier.verifyWithRefresh(res.headers, res.body);
    if (res.status === 202) throw v3ApiError(res);
    if (res.body.length === 0) return undefined as T;
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch (cause) {
      throw new WechatPayFormatError(`WeChat Pay answered ${res.status} with a body that is not JSON`, {
        cause,
      });
    }
  }

  /** A signed error answer must still verify; unsigned ones are normal and go straight to the API error. */
  async #verifyErrorAnswer(res: HttpResponse): Promise<void> {
    try {
      await this.#verifier.verifyWithRefresh(res.headers, res.body);
    } catch (err) {
      if (!(err instanceof WechatPaySignatureError)) throw err;
      const apiError = v3ApiError(res);
      throw new WechatPaySignatureError(
        err.reason,
        `${err.message} (on a ${res.status} ${apiError.code} answer)`,
        {
          ...err.detail,
          status: res.status,
          code: apiError.code,
        },
      );
    }
  }

  #download(pathAndQuery: string): Promise<Buffer> {
    return withRetry(this.#retry, async () => {
      const res = await this.#send('GET', pathAndQuery, '');
      if (res.status >= 200 && res.status < 300) return res.body;
      if (SIGNATURE_HEADERS.some((name) => header(res.headers, name) !== undefined)) {
        await this.#verifyErrorAnswer(res);
      }
      throw v3ApiError(res);
    });
  }

  /** Retried like {@link #download} until the answer's status is known; the body is then the caller's. */
  #downloadStream(pathAndQuery: string): Promise<AsyncIterable<Uint8Array>> {
    return withRetry(this.#retry, async () => {
      const req = { method: 'GET' as const, url: this.#baseUrl + pathAndQuery };
      const res = await streamWith(this.#http, {
        ...req,
        headers: this.#headers('GET', pathAndQuery, ''),
        ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
      });
      if (res.status >= 200 && res.status < 300) return res.body;
      const failure = {
        status: res.status,
        headers: res.headers,
        body: await readStreamBody(res, 64 * 1024, req),
      };
      if (SIGNATURE_HEADERS.some((name) => header(failure.headers, name) !== undefined)) {
        await this.#verifyErrorAnswer(failure);
      }
      throw v3ApiError(failure);
    });
  }

  #encryptionKeySource(
    verification: V3Verification,
    publicKey?: EncryptionKey,
  ): () => Promise<EncryptionKey> {
    if (publicKey) return async () => publicKey;
    if (verification.mode === 'custom') {
      const configured = verification.encryptionKey;
      const key = configured && { serial: configured.serial, key: loadPublicKey(configured.publicKey) };
      return async () => {
        if (!key)
          throw new WechatPayConfigError('encryptSensitive needs verification.encryptionKey in custom mode');
        return key;
      };
    }
    const store = this.certificates!;
    return async () => {
      if (!store.newest()) await store.refresh();
      const cert = store.newest()!;
      return { serial: cert.serialNo, key: cert.publicKey };
    };
  }
}

/** Builds the key store(s) of a verification mode; certificate downloads go through `fetch`. */
function verificationSetup(
  verification: V3Verification,
  deps: { apiV3Key: string | Buffer; fetch: () => Promise<HttpResponse>; now: () => number },
): { keys: VerificationKeyStore; certificates?: PlatformCertificateStore; publicKey?: EncryptionKey } {
  if (verification.mode === 'custom') return { keys: verification.keys };
  const publicKey =
    verification.mode === 'certificates'
      ? undefined
      : { serial: verification.publicKeyId, key: loadPublicKey(verification.publicKey) };
  const certificates =
    verification.mode === 'public-key'
      ? undefined
      : new PlatformCertificateStore({
          apiV3Key: deps.apiV3Key,
          fetch: deps.fetch,
          pinned: verification.pinned,
          minRefreshIntervalMs: verification.minRefreshIntervalMs,
          onError: verification.onRefreshError,
          now: deps.now,
        });
  if (certificates && verification.mode !== 'public-key' && verification.refreshIntervalMs !== 0) {
    certificates.start(verification.refreshIntervalMs);
  }
  const publicStore = publicKey && new PublicKeyStore(publicKey.serial, publicKey.key);
  const keys =
    publicStore && certificates
      ? new CompositeKeyStore([publicStore, certificates])
      : (publicStore ?? certificates!);
  return { keys, certificates, publicKey };
}

function withQuery(path: string, query: V3RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
