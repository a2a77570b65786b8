/** Which of WeChat's API families a call went to. */
export type ApiFamily = 'v2' | 'v3' | 'platform';

/**
 * One API call a client made, as a merchant developer wants to see it when "the SDK says
 * SIGN_ERROR": what was called, for which merchant and order, and what WeChat answered. It never
 * holds a body, a query string or a header value, so no key, token or secret can end up here.
 */
export interface ApiCall {
  /** Increasing from 1 within one run, so a follower asks only for what is new. */
  seq: number;
  /** Wall-clock ms when the request arrived, to line up with the merchant's own logs. */
  realAt: number;
  method: string;
  /** Without the query string. */
  path: string;
  family: ApiFamily;
  /** The fault rules' name of the API (`v2.unifiedorder`), when a route named it. */
  api?: string;
  mchid?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  /** Absent when no answer was ever sent (the `NO_ANSWER` fault, or the client hung up first). */
  httpStatus?: number;
  /** WeChat's refusal: the v3 `code`, v2 `err_code` (or `FAIL` of `return_code`), platform `errcode`. */
  code?: string;
  /** The refusal's own words, cut to 200 characters. */
  message?: string;
  durationMs: number;
  /** The fault injected into this call, if any. */
  fault?: string;
}

export interface ApiCallFilter {
  /** Only calls with a larger `seq`. */
  after?: number;
  mchid?: string;
  /** The newest this many, oldest first. */
  limit?: number;
}

const DEFAULT_CAPACITY = 2000;

/**
 * The last API calls of this run, in memory only: a debugging aid like the merchant platform's
 * request log, not state — a restart starts it empty, and the oldest calls make room for new ones.
 */
export class ApiCallLog {
  readonly #capacity: number;
  #calls: ApiCall[] = [];
  #seq = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  add(call: Omit<ApiCall, 'seq'>): ApiCall {
    const entry = { seq: ++this.#seq, ...call };
    this.#calls.push(entry);
    if (this.#calls.length > this.#capacity * 1.25) this.#calls = this.#calls.slice(-this.#capacity);
    return entry;
  }

  list(filter: ApiCallFilter = {}): ApiCall[] {
    const after = filter.after ?? 0;
    const matching = this.#calls.filter(
      (call) => call.seq > after && (filter.mchid === undefined || call.mchid === filter.mchid),
    );
    return filter.limit === undefined ? matching : matching.slice(-filter.limit);
  }
}
