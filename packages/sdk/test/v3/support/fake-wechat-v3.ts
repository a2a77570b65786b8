/**
 * A small, honest stand-in for api.mch.weixin.qq.com (API v3) for the SDK's tests. It checks the
 * merchant's Authorization strictly and signs its answers with node:crypto directly — it does not
 * reuse the SDK's own signer/verifier, so a bug there cannot cancel itself out here.
 */
import {
  createCipheriv,
  createHash,
  createPrivateKey,
  type KeyObject,
  randomBytes,
  randomUUID,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export type FaultKind =
  | 'sign-error-401' // unsigned, like WeChat's answer to a bad Authorization
  | 'system-error-500' // unsigned
  | 'bad-gateway-html' // a gateway's HTML page, unsigned
  | 'unsigned-200'
  | 'bad-signature-200' // signed, then one byte of the body changed
  | 'probe-200' // WECHATPAY/SIGNTEST/ signature
  | 'signed-error-400'
  | 'signed-error-bad-signature-400'
  | 'accepted-202';

export interface FakeSigner {
  privateKey: string;
  /** Platform certificate serial or PUB_KEY_ID_…. */
  serial: string;
}

export interface FakeWechatV3Options {
  mchid: string;
  merchantCert: string;
  merchantSerial: string;
  apiV3Key: string;
  signer: FakeSigner;
  /** PEMs listed by GET /v3/certificates; undefined = a public-key-mode merchant (404). */
  certificates?: string[];
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Json = Record<string, unknown>;
type Reply = { status: number; body?: Json | Buffer; signed?: boolean };

type OrderState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'USERPAYING' | 'PAYERROR' | 'REVOKED';

/**
 * How the next codepay is answered (default `paid`): an error, and the order WeChat keeps behind
 * it (`none`: the request never reached the order book).
 */
export type CodepayStep =
  | 'paid'
  | {
      code: 'USERPAYING' | 'SYSTEM_ERROR' | 'BANK_ERROR';
      order: Exclude<OrderState, 'CLOSED' | 'REVOKED'> | 'none';
    }
  | { fail: string; status: number };

/** How the next reverse is answered (default: 204, the order REVOKED). */
export type ReverseStep = 'SYSTEM_ERROR' | { fail: string; status: number };

interface Order {
  kind: string;
  params: Json;
  state: OrderState;
  transactionId?: string;
  openid?: string;
  successTime?: string;
}

const TRADE_TYPES: Record<string, string> = {
  native: 'NATIVE',
  jsapi: 'JSAPI',
  app: 'APP',
  h5: 'MWEB',
  codepay: 'MICROPAY',
};
const STATE_TEXT: Record<OrderState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  USERPAYING: '用户支付中（输入密码）',
  PAYERROR: '支付失败',
  REVOKED: '已撤销',
};

export class FakeWechatV3 {
  readonly requests: RecordedRequest[] = [];
  readonly orders = new Map<string, Order>();
  readonly refunds = new Map<string, Json>();
  /** Consumed one per codepay / reverse call, first first. */
  readonly codepayPlan: CodepayStep[] = [];
  readonly reversePlan: ReverseStep[] = [];
  certificateDownloads = 0;
  certificates: string[] | undefined;
  signer: FakeSigner;
  /** Served for bill downloads; flip `corruptBill` to send different bytes than the hash promised. */
  billContent = 'Trade time,Out trade no,Total\n`2026-11-21 10:00:00,`T20261121001,`0.01\n';
  corruptBill = false;
  baseUrl = '';
  readonly #options: FakeWechatV3Options;
  readonly #merchantKey: KeyObject;
  readonly #now: () => number;
  readonly #faults: Array<{ kind: FaultKind; path: string }> = [];
  readonly #seenNonces = new Set<string>();
  #sequence = 0;
  readonly #bills = new Map<string, { content: Buffer; gzip: boolean }>();
  readonly #server = createServer((req, res) => void this.#handle(req, res));

  private constructor(options: FakeWechatV3Options) {
    this.#options = options;
    this.#merchantKey = new X509Certificate(options.merchantCert).publicKey;
    this.#now = options.now ?? Date.now;
    this.signer = options.signer;
    this.certificates = options.certificates;
  }

  static async start(options: FakeWechatV3Options): Promise<FakeWechatV3> {
    const fake = new FakeWechatV3(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The next request whose path starts with `path` gets this fault instead of its real answer. */
  fail(kind: FaultKind, path = '/v3/pay'): void {
    this.#faults.push({ kind, path });
  }

  /** The payer pays: the order becomes SUCCESS with a transaction_id. */
  pay(outTradeNo: string, openid = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'): string {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo}`);
    order.state = 'SUCCESS';
    order.transactionId = `4200${String(++this.#sequence).padStart(24, '0')}`;
    order.openid = openid;
    order.successTime = rfc3339(this.#now());
    return order.transactionId;
  }

  /** WeChat's side moves on (the customer typed the password, the bank refused…). */
  setState(outTradeNo: string, state: OrderState): void {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo}`);
    if (state === 'SUCCESS') this.pay(outTradeNo);
    else order.state = state;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    this.requests.push({ method: req.method ?? '', url, headers: req.headers, body });
    const authProblem = this.#checkRequest(req, url, body);
    if (authProblem) {
      this.#send(res, { status: 401, body: signError(authProblem), signed: false });
      return;
    }
    const path = url.split('?')[0]!;
    const faultIndex = this.#faults.findIndex((f) => path.startsWith(f.path));
    if (faultIndex >= 0) {
      const [fault] = this.#faults.splice(faultIndex, 1);
      this.#sendFault(res, fault!.kind);
    } else if (path.startsWith('/v3/billdownload/')) {
      this.#downloadBill(res, url);
    } else {
      this.#send(res, this.#route(req.method ?? '', path, new URL(url, 'http://x').searchParams, body));
    }
  }

  #checkRequest(req: IncomingMessage, url: string, body: string): string | undefined {
    const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return 'Authorization is not WECHATPAY2-SHA256-RSA2048';
    const f = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (f.mchid !== this.#options.mchid) return 'mchid does not match';
    if (f.serial_no !== this.#options.merchantSerial) return 'serial_no is not the merchant certificate';
    const skew = Math.abs(Math.floor(this.#now() / 1000) - Number(f.timestamp));
    if (!/^\d+$/.test(f.timestamp ?? '') || skew >= 300) return 'timestamp outside the 300 s window';
    if (!f.nonce_str || this.#seenNonces.has(f.nonce_str)) return 'nonce_str missing or replayed';
    this.#seenNonces.add(f.nonce_str);
    const message = `${req.method}\n${url}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`;
    if (
      !verify('sha256', Buffer.from(message), this.#merchantKey, Buffer.from(f.signature ?? '', 'base64'))
    ) {
      return 'signature does not verify';
    }
    if (!req.headers['user-agent']) return 'User-Agent missing';
    if (!String(req.headers.accept).includes('application/json')) return 'Accept is not application/json';
    if (body && !String(req.headers['content-type']).startsWith('application/json')) return 'Content-Type';
    return undefined;
  }

  #route(method: string, path: string, query: URLSearchParams, text: string): Reply {
    const body = (text ? JSON.parse(text) : {}) as Json;
    const order = /^\/v3\/pay\/transactions\/(native|jsapi|app|h5)$/.exec(path);
    if (method === 'POST' && order) return this.#createOrder(order[1]!, body);
    if (method === 'POST' && path === '/v3/pay/transactions/codepay') return this.#codepay(body);
    const reverse = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/reverse$/.exec(path);
    if (method === 'POST' && reverse) return this.#reverse(decodeURIComponent(reverse[1]!), body);
    const byNo = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(path);
    const byId = /^\/v3\/pay\/transactions\/id\/([^/]+)$/.exec(path);
    if (method === 'GET' && (byNo || byId)) {
      if (query.get('mchid') !== this.#options.mchid) return paramError('mchid query parameter missing');
      const no = decodeURIComponent((byNo ?? byId)![1]!);
      const found = byNo
        ? this.orders.get(no)
        : [...this.orders.values()].find((o) => o.transactionId === no);
      return found ? { status: 200, body: transaction(found) } : notFound('ORDER_NOT_EXIST', '订单不存在');
    }
    if (method === 'POST' && byNo?.[2]) {
      if (body.mchid !== this.#options.mchid) return paramError('mchid missing from body');
      const found = this.orders.get(decodeURIComponent(byNo[1]!));
      if (!found) return notFound('ORDER_NOT_EXIST', '订单不存在');
      if (found.state === 'SUCCESS')
        return { status: 400, body: { code: 'ORDER_PAID', message: '订单已支付' } };
      found.state = 'CLOSED';
      return { status: 204 };
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return this.#createRefund(body);
    const refund = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && refund) {
      const found = this.refunds.get(decodeURIComponent(refund[1]!));
      return found ? { status: 200, body: found } : notFound('RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    if (method === 'GET' && path === '/v3/certificates') return this.#certificatesAnswer();
    if (method === 'GET' && (path === '/v3/bill/tradebill' || path === '/v3/bill/fundflowbill')) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(query.get('bill_date') ?? '')) return paramError('bill_date');
      const content = Buffer.from(this.billContent);
      const token = randomBytes(8).toString('hex');
      this.#bills.set(token, { content, gzip: query.get('tar_type') === 'GZIP' });
      const hash = createHash('sha1').update(content).digest('hex');
      const download_url = `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`;
      return { status: 200, body: { hash_type: 'SHA1', hash_value: hash, download_url } };
    }
    return notFound('NOT_FOUND', `no route ${method} ${path}`);
  }

  #createOrder(kind: string, body: Json): Reply {
    const amount = body.amount as { total?: unknown } | undefined;
    if (body.mchid !== this.#options.mchid || typeof body.appid !== 'string')
      return paramError('appid/mchid');
    if (!Number.isInteger(amount?.total) || typeof body.out_trade_no !== 'string')
      return paramError('amount');
    if (kind === 'jsapi' && !(body.payer as Json | undefined)?.openid) return paramError('payer.openid');
    const existing = this.orders.get(body.out_trade_no);
    if (existing && JSON.stringify(existing.params) !== JSON.stringify(body)) {
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '201 商户订单号重复' } };
    }
    if (!existing) this.orders.set(body.out_trade_no, { kind, params: body, state: 'NOTPAY' });
    const prepay = `wx${createHash('md5').update(body.out_trade_no).digest('hex').slice(0, 30)}`;
    if (kind === 'native')
      return { status: 200, body: { code_url: `weixin://wxpay/bizpayurl?pr=${prepay.slice(2, 11)}` } };
    if (kind === 'h5')
      return {
        status: 200,
        body: { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepay}` },
      };
    return { status: 200, body: { prepay_id: prepay } };
  }

  #codepay(body: Json): Reply {
    const amount = body.amount as { total?: unknown } | undefined;
    const code = (body.payer as Json | undefined)?.auth_code;
    const store = ((body.scene_info as Json | undefined)?.store_info as Json | undefined)?.out_id;
    if (body.mchid !== this.#options.mchid || typeof body.appid !== 'string')
      return paramError('appid/mchid');
    if (!Number.isInteger(amount?.total) || typeof body.out_trade_no !== 'string')
      return paramError('amount');
    if (typeof code !== 'string' || !/^1[0-5]\d{16}$/.test(code)) return paramError('payer.auth_code');
    if (typeof store !== 'string') return paramError('scene_info.store_info.out_id');
    const step = this.codepayPlan.shift() ?? 'paid';
    if (typeof step === 'object' && 'fail' in step)
      return { status: step.status, body: { code: step.fail, message: step.fail } };
    const state = step === 'paid' ? 'SUCCESS' : step.order;
    const order: Order = { kind: 'codepay', params: body, state: 'NOTPAY', openid: 'oCodepayOpenid' };
    if (state !== 'none') {
      this.orders.set(body.out_trade_no, order);
      this.setState(body.out_trade_no, state);
    }
    if (step === 'paid') return { status: 200, body: transaction(order) };
    if (step.code === 'USERPAYING')
      return { status: 202, body: { code: 'USERPAYING', message: '用户支付中，需要输入密码' } };
    return { status: 500, body: { code: step.code, message: '系统超时' }, signed: false };
  }

  #reverse(outTradeNo: string, body: Json): Reply {
    if (body.mchid !== this.#options.mchid || typeof body.appid !== 'string')
      return paramError('appid/mchid');
    const step = this.reversePlan.shift();
    if (step === 'SYSTEM_ERROR')
      return { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' }, signed: false };
    if (step) return { status: step.status, body: { code: step.fail, message: step.fail } };
    const order = this.orders.get(outTradeNo);
    if (order) order.state = 'REVOKED';
    return { status: 204 };
  }

  #createRefund(body: Json): Reply {
    const amount = (body.amount ?? {}) as { refund?: number; total?: number; currency?: string };
    const order = [...this.orders.entries()].find(
      ([no, o]) => no === body.out_trade_no || (o.transactionId && o.transactionId === body.transaction_id),
    );
    if (!order) return notFound('RESOURCE_NOT_EXISTS', '订单不存在');
    if (order[1].state !== 'SUCCESS')
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '订单未支付' } };
    if (amount.currency !== 'CNY' || !amount.refund || amount.refund > (amount.total ?? 0))
      return paramError('amount');
    const outRefundNo = String(body.out_refund_no);
    if (!this.refunds.has(outRefundNo)) {
      this.refunds.set(outRefundNo, {
        refund_id: `5000${String(++this.#sequence).padStart(25, '0')}`,
        out_refund_no: outRefundNo,
        transaction_id: order[1].transactionId,
        out_trade_no: order[0],
        channel: 'ORIGINAL',
        user_received_account: '支付用户零钱',
        create_time: rfc3339(this.#now()),
        status: 'PROCESSING',
        funds_account: 'AVAILABLE',
        amount: {
          total: amount.total,
          refund: amount.refund,
          payer_total: amount.total,
          payer_refund: amount.refund,
          settlement_refund: amount.refund,
          settlement_total: amount.total,
          discount_refund: 0,
          currency: 'CNY',
        },
      });
    }
    return { status: 200, body: this.refunds.get(outRefundNo)! };
  }

  #certificatesAnswer(): Reply {
    this.certificateDownloads++;
    if (!this.certificates)
      return notFound('RESOURCE_NOT_EXISTS', '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥');
    const data = this.certificates.map((pem) => {
      const cert = new X509Certificate(pem);
      const nonce = randomBytes(6).toString('hex');
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(this.#options.apiV3Key), Buffer.from(nonce));
      cipher.setAAD(Buffer.from('certificate'));
      const ciphertext = Buffer.concat([cipher.update(pem), cipher.final(), cipher.getAuthTag()]).toString(
        'base64',
      );
      return {
        serial_no: cert.serialNumber.toUpperCase(),
        effective_time: rfc3339(Date.parse(cert.validFrom)),
        expire_time: rfc3339(Date.parse(cert.validTo)),
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce,
          associated_data: 'certificate',
          ciphertext,
        },
      };
    });
    return { status: 200, body: { data } };
  }

  #downloadBill(res: ServerResponse, url: string): void {
    const bill = this.#bills.get(new URL(url, 'http://x').searchParams.get('token') ?? '');
    if (!bill) {
      this.#send(res, notFound('RESOURCE_NOT_EXISTS', '账单不存在'));
      return;
    }
    const content = Buffer.from(bill.content);
    if (this.corruptBill) content[content.length - 3]! ^= 0x01;
    res.writeHead(200, {
      'Content-Type': bill.gzip ? 'application/x-gzip' : 'text/plain',
      'Request-ID': randomUUID(),
    });
    res.end(bill.gzip ? gzipSync(content) : content);
  }

  #sendFault(res: ServerResponse, kind: FaultKind): void {
    const okBody = { code_url: 'weixin://wxpay/bizpayurl?pr=forged' };
    const simple: Partial<Record<FaultKind, Reply>> = {
      'sign-error-401': { status: 401, body: signError('injected'), signed: false },
      'system-error-500': { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' }, signed: false },
      'unsigned-200': { status: 200, body: okBody, signed: false },
      'signed-error-400': paramError('injected'),
      'accepted-202': { status: 202, body: { code: 'USERPAYING', message: '用户支付中' } },
    };
    const reply = simple[kind];
    if (reply) {
      this.#send(res, reply);
    } else if (kind === 'bad-gateway-html') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    } else if (kind === 'probe-200') {
      const text = JSON.stringify(okBody);
      const headers = this.#signedHeaders(text);
      headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(32).toString('base64')}`;
      res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
      res.end(text);
    } else {
      // Signed correctly, then the last letter of the body flipped in case on the way.
      const status = kind === 'bad-signature-200' ? 200 : 400;
      const text = status === 200 ? JSON.stringify(okBody) : '{"code":"PARAM_ERROR","message":"bad"}';
      res.writeHead(status, { 'Content-Type': 'application/json', ...this.#signedHeaders(text) });
      res.end(
        text.replace(
          /(.)"}$/,
          (_, c: string) => `${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}"}`,
        ),
      );
    }
  }

  #send(res: ServerResponse, reply: Reply): void {
    const text =
      reply.body === undefined
        ? ''
        : Buffer.isBuffer(reply.body)
          ? reply.body.toString()
          : JSON.stringify(reply.body);
    const headers: Record<string, string> = { 'Request-ID': randomUUID() };
    if (text) headers['Content-Type'] = 'application/json';
    if (reply.signed !== false) Object.assign(headers, this.#signedHeaders(text));
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  #signedHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(this.#now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const key = createPrivateKey(this.signer.privateKey);
    const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), key).toString(
      'base64',
    );
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': this.signer.serial,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }
}

function transaction(order: Order): Json {
  const p = order.params as {
    appid: string;
    mchid: string;
    out_trade_no: string;
    attach?: string;
    amount: { total: number };
  };
  const paid = order.state === 'SUCCESS';
  return {
    appid: p.appid,
    mchid: p.mchid,
    out_trade_no: p.out_trade_no,
    ...(paid
      ? { transaction_id: order.transactionId, bank_type: 'OTHERS', success_time: order.successTime }
      : {}),
    trade_type: TRADE_TYPES[order.kind],
    trade_state: order.state,
    trade_state_desc: STATE_TEXT[order.state],
    ...(p.attach === undefined ? {} : { attach: p.attach }),
    ...(paid ? { payer: { openid: order.openid } } : {}),
    amount: paid
      ? { total: p.amount.total, payer_total: p.amount.total, currency: 'CNY', payer_currency: 'CNY' }
      : { total: p.amount.total, currency: 'CNY', payer_currency: 'CNY' },
  };
}

function signError(why: string): Json {
  return {
    code: 'SIGN_ERROR',
    message: `签名错误，请检查后再试 (${why})`,
    detail: { field: 'signature', location: 'authorization' },
  };
}

function paramError(field: string): Reply {
  return {
    status: 400,
    body: { code: 'PARAM_ERROR', message: `参数错误: ${field}`, detail: { field, location: 'body' } },
  };
}

function notFound(code: string, message: string): Reply {
  return { status: 404, body: { code, message } };
}

/** RFC 3339 in UTC+8, as WeChat writes times. */
export function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
