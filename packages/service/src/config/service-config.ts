import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiVersion } from '../domain/index.js';

/**
 * The WeChat Pay merchant the service sells as. Both API versions are configured, since orders
 * choose theirs; secrets stay in memory and are never logged.
 */
export interface WechatCredentials {
  mchid: string;
  appid: string;
  /** v2 API key (MD5 / HMAC-SHA256 signing), 32 characters. */
  apiKey: string;
  /** APIv3 key (notification decryption), 32 bytes. */
  apiV3Key: string;
  /** Merchant API certificate serial number and private key (v3 request signing). */
  serialNo: string;
  privateKeyPem: string;
  /** WeChat Pay public key mode (merchants created since late 2024). */
  publicKeyId: string;
  publicKeyPem: string;
  /** The merchant API certificate (PEM): the client certificate of v2 refunds (`/secapi`). */
  certificatePem?: string;
  /** `https://api.mch.weixin.qq.com` unless pointed at the simulator. */
  baseUrl?: string;
  /** Used when an order does not ask for a version. */
  apiVersion: ApiVersion;
}

export interface ServiceConfig {
  port: number;
  host: string;
  /** SQLite file and other local state, when `databaseUrl` is not set. */
  dataDir: string;
  /** `postgres://…` switches persistence to PostgreSQL. */
  databaseUrl?: string;
  /** How WeChat and browsers reach the service; notification URLs are built from it. */
  publicUrl: string;
  /** Bearer token for `/api/admin/*`. */
  adminToken: string;
  orderTtlMinutes: number;
  wechat: WechatCredentials;
  /** Demo mode: the simulator's base URL, so the checkout page can link to its phone page. */
  simulatorUrl?: string;
  /** Trust `X-Forwarded-For` for the client IP sent to WeChat (behind a reverse proxy). */
  trustProxy?: boolean;
  /** pino logging (off in tests). */
  logger?: boolean;
}

/** A setting is missing or malformed; the message names the variable and never its value. */
export class ServiceConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ServiceConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks the service settings from the environment at start, so a missing key fails
 * with the variable's name instead of as a signature error on the first order. Key files are read
 * here once; their contents never appear in an error.
 */
export function loadServiceConfig(env: Env = process.env): ServiceConfig {
  const port = integer(env, 'PORT', 3000, 0, 65_535);
  const apiVersion = (env.WECHATPAY_API_VERSION ?? 'v3').trim();
  if (apiVersion !== 'v2' && apiVersion !== 'v3') {
    throw new ServiceConfigError('WECHATPAY_API_VERSION', 'must be v2 or v3');
  }
  const wechat: WechatCredentials = {
    mchid: required(env, 'WECHATPAY_MCHID'),
    appid: required(env, 'WECHATPAY_APPID'),
    apiKey: required(env, 'WECHATPAY_API_KEY'),
    apiV3Key: required(env, 'WECHATPAY_APIV3_KEY'),
    serialNo: required(env, 'WECHATPAY_SERIAL_NO'),
    privateKeyPem: pemFile(env, 'WECHATPAY_PRIVATE_KEY_PATH', 'PRIVATE KEY'),
    publicKeyId: required(env, 'WECHATPAY_PUBLIC_KEY_ID'),
    publicKeyPem: pemFile(env, 'WECHATPAY_PUBLIC_KEY_PATH', 'PUBLIC KEY'),
    certificatePem: optional(env, 'WECHATPAY_CERT_PATH')
      ? pemFile(env, 'WECHATPAY_CERT_PATH', 'CERTIFICATE')
      : undefined,
    baseUrl: optional(env, 'WECHATPAY_BASE_URL'),
    apiVersion,
  };
  const publicUrl = optional(env, 'PUBLIC_URL') ?? `http://127.0.0.1:${port}`;
  return validateServiceConfig({
    port,
    host: optional(env, 'HOST') ?? '127.0.0.1',
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    publicUrl,
    adminToken: required(env, 'ADMIN_TOKEN'),
    orderTtlMinutes: integer(env, 'ORDER_TTL_MINUTES', 15, 5, 7 * 24 * 60),
    wechat,
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    logger: env.LOG_LEVEL !== 'silent',
  });
}

/**
 * Checks a complete configuration (from env or built by the demo launcher): the keys each API
 * version needs are present and well-formed.
 */
export function validateServiceConfig(config: ServiceConfig): ServiceConfig {
  const { wechat } = config;
  if (!/^\d+$/.test(wechat.mchid)) throw new ServiceConfigError('WECHATPAY_MCHID', 'must be digits');
  if (!/^wx[0-9a-zA-Z]+$/.test(wechat.appid)) {
    throw new ServiceConfigError('WECHATPAY_APPID', 'must look like wx…');
  }
  if (wechat.apiKey.length !== 32) throw new ServiceConfigError('WECHATPAY_API_KEY', 'must be 32 characters');
  if (Buffer.byteLength(wechat.apiV3Key) !== 32) {
    throw new ServiceConfigError('WECHATPAY_APIV3_KEY', 'must be 32 bytes');
  }
  if (!/^[0-9A-Fa-f]+$/.test(wechat.serialNo)) {
    throw new ServiceConfigError('WECHATPAY_SERIAL_NO', 'must be the hexadecimal certificate serial');
  }
  if (!wechat.publicKeyId.startsWith('PUB_KEY_ID_')) {
    throw new ServiceConfigError('WECHATPAY_PUBLIC_KEY_ID', 'must start with PUB_KEY_ID_');
  }
  if (wechat.baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(wechat.baseUrl)) {
    throw new ServiceConfigError('WECHATPAY_BASE_URL', 'must be an http(s):// URL');
  }
  if (!/^https?:\/\/[^\s/]+/.test(config.publicUrl)) {
    throw new ServiceConfigError('PUBLIC_URL', 'must be an http(s):// URL');
  }
  if (config.adminToken.length < 16) {
    throw new ServiceConfigError('ADMIN_TOKEN', 'must be at least 16 characters');
  }
  return { ...config, publicUrl: config.publicUrl.replace(/\/+$/, '') };
}

/** A random admin token for demo mode, printed once at start. */
export function generateAdminToken(): string {
  return randomBytes(18).toString('base64url');
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ServiceConfigError(name, 'is not set');
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ServiceConfigError(name, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function pemFile(env: Env, name: string, kind: string): string {
  const path = required(env, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ServiceConfigError(name, `cannot read the file ${path}`);
  }
  if (!text.includes(`-----BEGIN ${kind}-----`) && !text.includes('-----BEGIN RSA')) {
    throw new ServiceConfigError(name, `${path} is not a PEM ${kind.toLowerCase()}`);
  }
  return text;
}
