import { readBillCsv, type V3Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import type { BillSource, FundFlowTotals, TradeBill } from '../../../domain/index.js';
import { fundFlowTotals, gatewayErrors, tradeBillLines } from '../bill-lines.js';
import { toGatewayError } from '../wechat-error-mapper.js';

/**
 * Bills over API v3: apply for the day's bill (a signed answer naming a link and the file's
 * SHA-1), then stream the gzip file through the digest check. `STATEMENT_CREATING` means ask
 * later; `NO_STATEMENT_EXIST` that nothing happened that day.
 */
export class V3BillSource implements BillSource {
  readonly apiVersion = 'v3' as const;
  readonly #client: V3Client;

  constructor(client: V3Client) {
    this.#client = client;
  }

  async tradeBill(date: string): Promise<TradeBill> {
    try {
      const location = await this.#client.bills.tradeBill({
        bill_date: date,
        bill_type: 'ALL',
        tar_type: 'GZIP',
      });
      const file = this.#client.bills.downloadStream(location.download_url, location);
      return {
        ready: true,
        apiVersion: 'v3',
        hash: location.hash_value,
        lines: gatewayErrors('v3 trade bill', tradeBillLines(readBillCsv(file))),
      };
    } catch (error) {
      const missing = missingBill(error);
      if (missing) return { ready: false, apiVersion: 'v3', ...missing };
      throw toGatewayError('v3 trade bill', error);
    }
  }

  async fundFlow(date: string): Promise<FundFlowTotals | undefined> {
    try {
      const location = await this.#client.bills.fundFlowBill({
        bill_date: date,
        account_type: 'BASIC',
        tar_type: 'GZIP',
      });
      return await fundFlowTotals(
        readBillCsv(this.#client.bills.downloadStream(location.download_url, location)),
      );
    } catch (error) {
      if (missingBill(error)) return { rows: 0, incomeFen: 0, expenseFen: 0 };
      throw toGatewayError('v3 fund-flow bill', error);
    }
  }
}

function missingBill(error: unknown): { reason: 'NOT_READY' | 'NO_BILL'; message: string } | undefined {
  if (!(error instanceof WechatPayApiError)) return undefined;
  if (error.code === 'STATEMENT_CREATING')
    return { reason: 'NOT_READY', message: `WeChat: ${error.message}` };
  if (error.code === 'NO_STATEMENT_EXIST') return { reason: 'NO_BILL', message: `WeChat: ${error.message}` };
  return undefined;
}
