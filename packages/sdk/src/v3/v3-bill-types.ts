/** Bill requests and answers of `/v3/bill/*`: what reconciliation downloads each day. */

export type V3BillTarType = 'GZIP';

export interface V3TradeBillParams {
  /** `YYYY-MM-DD`, a past day (bills are ready from about 10:00 the next day, UTC+8). */
  bill_date: string;
  bill_type?: 'ALL' | 'SUCCESS' | 'REFUND';
  tar_type?: V3BillTarType;
}

export interface V3FundFlowBillParams {
  bill_date: string;
  account_type?: 'BASIC' | 'OPERATION' | 'FEES';
  tar_type?: V3BillTarType;
}

/** Where to fetch a bill, and the digest that makes the unsigned download trustworthy. */
export interface V3BillLocation {
  hash_type: 'SHA1';
  /** Lower-case hex SHA-1 of the bill file (after gunzip when `tar_type` was GZIP). */
  hash_value: string;
  /** Valid 30 seconds. */
  download_url: string;
}
