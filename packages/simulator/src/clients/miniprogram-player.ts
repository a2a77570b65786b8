/**
 * A mini-program's side of WeChat, played from Node: what `wx.login()` and `wx.requestPayment()`
 * do on a user's phone, against a simulator over HTTP. Tests and the `wxpay sim miniprogram`
 * command use it to run a merchant's mini-program flow without WeChat's developer tools.
 */

export interface MiniProgramPlayerOptions {
  /** The simulator's base URL, e.g. `http://127.0.0.1:3100`. */
  simulatorUrl: string;
  /** The mini-program being played; default the first simulated merchant's mini-program. */
  appid?: string;
}

/** What the user does on the pay sheet `wx.requestPayment()` opens. */
export type PaymentAction = 'pay' | 'cancel' | 'fail';

/** `wx.requestPayment()` parameters; an `appId` from the merchant's server is ignored, as WeChat does. */
export interface MiniProgramPayParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
  appId?: string;
}

/** `wx.login()`'s answer: a single-use code for the merchant's server to exchange (`jscode2session`). */
export interface LoginResult {
  code: string;
  errMsg: 'login:ok';
}

/**
 * A failed `wx.requestPayment()`. WeChat rejects with `{errMsg}`: `requestPayment:fail cancel` when
 * the user closed the sheet, `requestPayment:fail <reason>` otherwise (bad signature, bank declined…).
 */
export class RequestPaymentError extends Error {
  readonly errMsg: string;
  /** The simulator's code for the refusal (`SIGN_ERROR`, `ORDER_PAID`…), absent for cancel and bank failure. */
  readonly code?: string;

  constructor(errMsg: string, code?: string) {
    super(errMsg);
    this.name = 'RequestPaymentError';
    this.errMsg = errMsg;
    this.code = code;
  }
}

/**
 * One simulated phone running a mini-program. `login()` is `wx.login()` for a simulated user;
 * `requestPayment()` is `wx.requestPayment()`: the simulator checks the parameters exactly as
 * WeChat's client does, then the user pays (as the prepay's payer), cancels or the bank declines.
 */
export class MiniProgramPlayer {
  readonly simulatorUrl: string;
  #appid: Promise<string> | undefined;

  constructor(options: MiniProgramPlayerOptions) {
    this.simulatorUrl = options.simulatorUrl.replace(/\/+$/, '');
    this.#appid = options.appid ? Promise.resolve(options.appid) : undefined;
  }

  /** The mini-program's appid (looked up on the simulator once when not given). */
  appid(): Promise<string> {
    this.#appid ??= this.#defaultAppid();
    return this.#appid;
  }

  /** `wx.login()` as `user` (`alice`, `bob`, `carol` or one added to the simulator). */
  async login(user: string): Promise<LoginResult> {
    const answer = await this.#post('/_sim/platform/login-code', { appid: await this.appid(), user });
    if (!answer.ok) throw new Error(`login:fail ${answer.body.message ?? answer.status}`);
    return { code: String(answer.body.code), errMsg: 'login:ok' };
  }

  /**
   * `wx.requestPayment()`: resolves `{errMsg: 'requestPayment:ok'}` once paid; rejects with a
   * {@link RequestPaymentError} on cancel (`requestPayment:fail cancel`) or any failure.
   */
  async requestPayment(
    params: MiniProgramPayParams,
    options: { action?: PaymentAction } = {},
  ): Promise<{ errMsg: 'requestPayment:ok' }> {
    const { appId: _ignored, ...pay } = params;
    let answer: SimAnswer;
    try {
      answer = await this.#post('/_sim/pay-requests/pay', {
        ...pay,
        kind: 'miniprogram',
        appid: await this.appid(),
        action: options.action ?? 'pay',
      });
    } catch (error) {
      throw new RequestPaymentError(`requestPayment:fail ${(error as Error).message}`);
    }
    if (!answer.ok) {
      throw new RequestPaymentError(
        `requestPayment:fail ${answer.body.message ?? `HTTP ${answer.status}`}`,
        answer.body.error,
      );
    }
    if (answer.body.result === 'cancel') throw new RequestPaymentError('requestPayment:fail cancel');
    if (answer.body.result === 'fail')
      throw new RequestPaymentError(`requestPayment:fail ${answer.body.message}`);
    return { errMsg: 'requestPayment:ok' };
  }

  async #defaultAppid(): Promise<string> {
    const res = await reach('the simulator', `${this.simulatorUrl}/_sim/merchants`, {});
    if (!res.ok) throw new Error(`cannot list the simulator's merchants: HTTP ${res.status}`);
    const merchants = (await res.json()) as { apps: { appid: string; kind: string }[] }[];
    const app = merchants.flatMap((m) => m.apps).find((a) => a.kind === 'mini-program');
    if (!app) throw new Error('the simulator has no mini-program: pass appid');
    return app.appid;
  }

  async #post(path: string, body: unknown): Promise<SimAnswer> {
    const res = await reach('the simulator', `${this.simulatorUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, string | undefined> = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { ok: res.ok, status: res.status, body: parsed };
  }
}

interface SimAnswer {
  ok: boolean;
  status: number;
  body: Record<string, string | undefined>;
}

export interface MiniProgramPurchase {
  simulatorUrl: string;
  /** The merchant's payment service, e.g. `http://127.0.0.1:3000`. */
  serviceUrl: string;
  user: string;
  productId: string;
  apiVersion?: 'v2' | 'v3';
  action?: PaymentAction;
  appid?: string;
}

/**
 * Plays a purchase in the merchant's mini-program against the payment service's HTTP API:
 * `wx.login()` → `POST /api/miniprogram/login {code}` → `{token}` → `POST /api/orders` (MINIPROGRAM,
 * bearer token) → `payParams` → `wx.requestPayment()`. Answers the order and how payment ended;
 * a service refusal throws with the service's own `{error, message}`.
 */
export async function playMiniProgramPurchase(
  purchase: MiniProgramPurchase,
): Promise<{ orderNo: string; errMsg: string }> {
  const service = purchase.serviceUrl.replace(/\/+$/, '');
  const player = new MiniProgramPlayer({ simulatorUrl: purchase.simulatorUrl, appid: purchase.appid });
  const { code } = await player.login(purchase.user);
  const { token } = await callService<{ token: string }>(`${service}/api/miniprogram/login`, { code });
  const order = await callService<{ orderNo: string; payParams?: MiniProgramPayParams }>(
    `${service}/api/orders`,
    {
      productId: purchase.productId,
      payType: 'MINIPROGRAM',
      ...(purchase.apiVersion ? { apiVersion: purchase.apiVersion } : {}),
    },
    token,
  );
  if (!order.payParams) throw new Error(`order ${order.orderNo} came without payParams`);
  try {
    const { errMsg } = await player.requestPayment(order.payParams, { action: purchase.action });
    return { orderNo: order.orderNo, errMsg };
  } catch (error) {
    if (error instanceof RequestPaymentError) return { orderNo: order.orderNo, errMsg: error.errMsg };
    throw error;
  }
}

async function callService<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await reach('the payment service', url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    let reason = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: string; message?: string };
      reason = `${parsed.error ?? ''} ${parsed.message ?? ''}`.trim() || reason;
    } catch {
      // not JSON: the raw text says it
    }
    throw new Error(`${new URL(url).pathname} answered HTTP ${res.status}: ${reason}`);
  }
  return JSON.parse(text) as T;
}

/** fetch, with a refused connection said in words: which side is not there. */
async function reach(what: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const { cause } = error as Error & { cause?: { code?: string; message?: string } };
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach ${what} at ${new URL(url).origin} (${reason})`);
  }
}
