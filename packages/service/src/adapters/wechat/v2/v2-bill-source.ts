import { readBillCsv, type V2Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import type { BillSource, TradeBill } from '../../../domain/index.js';
import { gatewayErrors, tradeBillLines } from '../bill-lines.js';
import { toGatewayError } from '../wechat-error-mapper.js';

/**
 * Bills over API v2: `downloadbill` streams the gzip CSV itself (no digest: the summary line is
 * the check). "No Bill Exist" means either "not generated yet" or "nothing that day"; the use case
 * tells them apart. The fund-flow bill needs HMAC-SHA256 signing and the client certificate, so it
 * is left to v3.
 */
export class V2BillSource implements BillSource {
  readonly apiVersion = 'v2' as const;
  readonly #client: V2Client;

  constructor(client: V2Client) {
    this.#client = client;
  }

  async tradeBill(date: string): Promise<TradeBill> {
    const file = this.#client.downloadBillStream({
      bill_date: date.replaceAll('-', ''),
      bill_type: 'ALL',
      tar_type: 'GZIP',
    });
    // The first chunk is awaited here, so a refusal is answered as such and not as a broken stream.
    const first = await file.next().catch((error: unknown) => {
      if (error instanceof WechatPayApiError && error.code === 'NO_BILL_EXIST') return undefined;
      throw toGatewayError('v2 downloadbill', error);
    });
    if (!first) {
      return {
        ready: false,
        apiVersion: 'v2',
        reason: 'NO_BILL_OR_NOT_READY',
        message: 'WeChat: No Bill Exist',
      };
    }
    const all = (async function* () {
      if (!first.done) yield first.value;
      yield* file;
    })();
    return {
      ready: true,
      apiVersion: 'v2',
      hash: null,
      lines: gatewayErrors('v2 downloadbill', tradeBillLines(readBillCsv(all))),
    };
  }

  async fundFlow(): Promise<undefined> {
    return undefined;
  }
}
