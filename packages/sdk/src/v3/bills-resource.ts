import { gunzipSync } from 'node:zlib';
import { sha1Checked, uncompressedBill } from '../core/bill-stream.js';
import { safeEqual, sha1Hex } from '../crypto/hash.js';
import { WechatPayFormatError, WechatPaySignatureError, WechatPayValidationError } from '../errors.js';
import type { V3BillLocation, V3FundFlowBillParams, V3TradeBillParams } from './v3-bill-types.js';
import type { V3Transport } from './v3-types.js';
import { assertBillDate } from './v3-validators.js';

/**
 * Daily bills. Applying for a bill is a signed, verified call returning a short-lived URL and a
 * SHA-1; the file itself comes unsigned, so the SHA-1 is what makes it trustworthy.
 */
export class BillsResource {
  readonly #transport: V3Transport;

  constructor(transport: V3Transport) {
    this.#transport = transport;
  }

  /** Where to fetch the trade bill of `bill_date`; the URL is valid for 30 seconds. */
  async tradeBill(params: V3TradeBillParams): Promise<V3BillLocation> {
    assertBillDate(params?.bill_date);
    return this.#transport.request('GET', '/v3/bill/tradebill', {
      query: { bill_date: params.bill_date, bill_type: params.bill_type, tar_type: params.tar_type },
      idempotent: true,
    });
  }

  /** Where to fetch the fund-flow bill of an account (BASIC by default) for `bill_date`. */
  async fundFlowBill(params: V3FundFlowBillParams): Promise<V3BillLocation> {
    assertBillDate(params?.bill_date);
    return this.#transport.request('GET', '/v3/bill/fundflowbill', {
      query: { bill_date: params.bill_date, account_type: params.account_type, tar_type: params.tar_type },
      idempotent: true,
    });
  }

  /**
   * Fetches the bill behind `download_url` (a signed GET sent to the client's own base URL, so a
   * proxy or simulator keeps working) and checks it against `hash_value`. A GZIP bill is returned
   * decompressed, since WeChat's digest is of the uncompressed file.
   *
   * @throws WechatPaySignatureError (`hash-mismatch`) when the bytes are not the ones WeChat described
   */
  async download(
    downloadUrl: string,
    hash: Pick<V3BillLocation, 'hash_type' | 'hash_value'>,
  ): Promise<Buffer> {
    const raw = await this.#transport.download(billPath(downloadUrl, hash));
    const bill = isGzip(raw) ? gunzip(raw) : raw;
    const actual = sha1Hex(bill);
    if (!safeEqual(actual, hash.hash_value.toLowerCase())) {
      throw new WechatPaySignatureError(
        'hash-mismatch',
        `downloaded bill has SHA1 ${actual}, the signed bill answer promised ${hash.hash_value}`,
        { expected: hash.hash_value, actual },
      );
    }
    return bill;
  }

  /**
   * {@link download} for bills too large to hold: the uncompressed file chunk by chunk (read it
   * with `readBillCsv`). The SHA-1 is known only at the end, so the iteration throws
   * `WechatPaySignatureError` (`hash-mismatch`) after the last chunk when the file is not the one
   * WeChat described: keep what was read provisional until the loop ends.
   */
  async *downloadStream(
    downloadUrl: string,
    hash: Pick<V3BillLocation, 'hash_type' | 'hash_value'>,
  ): AsyncGenerator<Buffer> {
    const body = await this.#transport.downloadStream(billPath(downloadUrl, hash));
    yield* sha1Checked(uncompressedBill(body), hash.hash_value);
  }
}

/** The path and query of a `download_url`, refused unless it is a v3 path with a SHA1 digest. */
function billPath(downloadUrl: string, hash: Pick<V3BillLocation, 'hash_type' | 'hash_value'>): string {
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    throw new WechatPayValidationError('download_url', 'download_url is not an absolute URL');
  }
  if (!url.pathname.startsWith('/v3/')) {
    throw new WechatPayValidationError('download_url', 'download_url is not a WeChat Pay v3 path');
  }
  if (hash?.hash_type !== 'SHA1' || typeof hash.hash_value !== 'string') {
    throw new WechatPayValidationError('hash_type', 'only SHA1 bill digests are supported');
  }
  return url.pathname + url.search;
}

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

function gunzip(data: Buffer): Buffer {
  try {
    return gunzipSync(data);
  } catch (cause) {
    throw new WechatPayFormatError('bill looks gzip-compressed but could not be decompressed', { cause });
  }
}
