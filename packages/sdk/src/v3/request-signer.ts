import type { KeyObject } from 'node:crypto';
import { nonceStr, unixSeconds } from '../crypto/nonce.js';
import { type KeyInput, loadPrivateKey, rsaSign } from '../crypto/rsa.js';
import { signedMessage } from '../crypto/signed-message.js';

export const V3_SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

export interface V3Credentials {
  mchid: string;
  /** Serial number of the merchant API certificate (upper-case hex). */
  serialNo: string;
  /** Merchant API private key (`apiclient_key.pem`), parsed once. */
  privateKey: KeyInput;
}

/**
 * Builds the `Authorization` header of API v3. The private key is parsed once here; what remains per
 * request is one string concatenation and one RSA signature, the floor for this protocol.
 */
export class V3RequestSigner {
  readonly mchid: string;
  readonly serialNo: string;
  readonly #key: KeyObject;
  readonly #prefix: string;
  readonly #suffix: string;

  constructor(credentials: V3Credentials) {
    this.mchid = credentials.mchid;
    this.serialNo = credentials.serialNo;
    this.#key = loadPrivateKey(credentials.privateKey);
    this.#prefix = `${V3_SIGNATURE_SCHEME} mchid="${credentials.mchid}",nonce_str="`;
    this.#suffix = `",serial_no="${credentials.serialNo}"`;
  }

  /**
   * @param url path plus query string exactly as sent (`/v3/pay/transactions/id/4200…?mchid=190…`)
   * @param body the exact bytes sent; empty for GET
   */
  authorization(
    method: string,
    url: string,
    body = '',
    timestamp: number = unixSeconds(),
    nonce: string = nonceStr(),
  ): string {
    const signature = rsaSign(this.#key, signedMessage(method, url, String(timestamp), nonce, body));
    return `${this.#prefix}${nonce}",signature="${signature}",timestamp="${timestamp}${this.#suffix}`;
  }

  /** SHA256withRSA with the merchant key over an arbitrary message (v3 `paySign`). */
  sign(message: string): string {
    return rsaSign(this.#key, message);
  }
}

/** The fields of a v3 `Authorization` header, parsed (the simulator and tests need it). */
export interface ParsedAuthorization {
  scheme: string;
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…`; undefined when the header is not of that form. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space <= 0) return undefined;
  const fields: Record<string, string> = { scheme: header.slice(0, space) };
  const re = /([a-z_]+)="([^"]*)"/g;
  for (let m = re.exec(header.slice(space + 1)); m; m = re.exec(header.slice(space + 1))) {
    fields[m[1]!] = m[2]!;
  }
  for (const name of ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']) {
    if (fields[name] === undefined) return undefined;
  }
  return fields as unknown as ParsedAuthorization;
}
