import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';

/*
 * A small, strict stand-in for api.mch.weixin.qq.com (v2), until the simulator exists. It signs and
 * checks signs with its own few lines of code, not the SDK's, so a bug in the SDK's signer cannot
 * be mirrored here and pass unnoticed.
 */

type Fields = Record<string, string>;

export type Fault =
  | { kind: 'result-fail'; errCode: string; errCodeDes?: string }
  | { kind: 'return-fail'; msg: string }
  | { kind: 'unsigned' }
  | { kind: 'bad-sign' }
  | { kind: 'http'; status: number };

export interface FakeV2Options {
  appid: string;
  mchid: string;
  apiKey: string;
  sandboxKey?: string;
  /** Serve HTTPS, asking for a client certificate (checked on `/secapi` only, as WeChat does). */
  tls?: { key: string; cert: string; ca: string[] };
}

/**
 * How the next micropay is answered (default `paid`): an error code, and the order WeChat keeps
 * behind it (`none`: the request never reached the order book).
 */
export type MicropayStep =
  | { answer: 'paid' }
  | {
      answer: 'USERPAYING' | 'SYSTEMERROR' | 'BANKERROR';
      order: 'USERPAYING' | 'SUCCESS' | 'NOTPAY' | 'PAYERROR' | 'none';
    }
  | { answer: 'fail'; errCode: string; errCodeDes?: string };

/** How the next reverse is answered (default: done, recall=N). */
export type ReverseStep = 'recall' | 'SYSTEMERROR' | { errCode: string };

type OrderState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'USERPAYING' | 'PAYERROR' | 'REVOKED';

interface Order {
  fields: Fields;
  prepayId: string;
  state: OrderState;
  transactionId: string;
  refunds: { out_refund_no: string; refund_id: string; refund_fee: string }[];
}

const parser = new XMLParser({ parseTagValue: false, trimValues: false, processEntities: false });

export function fakeSign(fields: Fields, key: string, type = 'MD5'): string {
  const names = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== '')
    .sort();
  const text = `${names.map((k) => `${k}=${fields[k]}`).join('&')}&key=${key}`;
  const digest =
    type === 'HMAC-SHA256' ? createHmac('sha256', key).update(text) : createHash('md5').update(text);
  return digest.digest('hex').toUpperCase();
}

export function fakeXml(fields: Fields): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;
}

export class FakeV2Server {
  readonly calls: { path: string; fields: Fields }[] = [];
  readonly orders = new Map<string, Order>();
  /** bill_date → CSV text. */
  readonly bills = new Map<string, string>();
  /** Consumed one per micropay / reverse call, first first. */
  readonly micropayPlan: MicropayStep[] = [];
  readonly reversePlan: ReverseStep[] = [];
  readonly #opts: FakeV2Options;
  readonly #faults: Fault[] = [];
  readonly #server: Server;

  constructor(opts: FakeV2Options) {
    this.#opts = opts;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    this.#server = opts.tls
      ? createHttpsServer({ ...opts.tls, requestCert: true, rejectUnauthorized: false }, handler)
      : createHttpServer(handler);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    return `${this.#opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** The next `times` signed calls are answered with `fault` instead of their result. */
  inject(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push(fault);
  }

  pay(outTradeNo: string): void {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo}`);
    order.state = 'SUCCESS';
  }

  /** WeChat's side moves on (the customer typed the password, the bank refused…). */
  setState(outTradeNo: string, state: OrderState): void {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo}`);
    order.state = state;
  }

  callsTo(path: string): number {
    return this.calls.filter((c) => c.path.endsWith(path)).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '/';
    const sandbox = url.startsWith('/sandboxnew/');
    const path = sandbox ? url.slice('/sandboxnew'.length) : url;
    let fields: Fields;
    try {
      fields = (parser.parse(Buffer.concat(chunks).toString('utf8'), true) as { xml: Fields }).xml ?? {};
    } catch {
      return this.#send(res, fakeXml({ return_code: 'FAIL', return_msg: 'XML格式错误' }));
    }
    this.calls.push({ path: url, fields });

    if (path.startsWith('/secapi/') && !(req.socket as TLSSocket).authorized) {
      req.socket.destroy(); // no trusted client certificate: the TLS session is refused
      return;
    }
    if (path === '/pay/getsignkey') {
      if (fields.sign !== fakeSign(fields, this.#opts.apiKey)) return this.#fail(res, '签名错误');
      return this.#send(
        res,
        fakeXml({
          return_code: 'SUCCESS',
          return_msg: 'ok',
          mch_id: this.#opts.mchid,
          sandbox_signkey: this.#opts.sandboxKey ?? '',
        }),
      );
    }
    const key = sandbox ? (this.#opts.sandboxKey ?? '') : this.#opts.apiKey;
    const signType = fields.sign_type || 'MD5';
    if (!fields.sign || fields.sign !== fakeSign(fields, key, signType)) return this.#fail(res, '签名错误');
    if (fields.appid !== this.#opts.appid || fields.mch_id !== this.#opts.mchid)
      return this.#fail(res, 'appid和mch_id不匹配');
    if (!fields.nonce_str || fields.nonce_str.length > 32) return this.#fail(res, 'nonce_str参数格式错误');

    const fault = this.#faults.shift();
    if (fault?.kind === 'http') {
      res.statusCode = fault.status;
      return this.#send(res, 'upstream error');
    }
    if (fault?.kind === 'return-fail') return this.#fail(res, fault.msg);
    if (path === '/pay/downloadbill' && !fault) return this.#bill(res, fields);

    const result =
      fault?.kind === 'result-fail'
        ? { err_code: fault.errCode, err_code_des: fault.errCodeDes ?? fault.errCode }
        : this.#operate(path, fields);
    const answer: Fields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: this.#opts.appid,
      mch_id: this.#opts.mchid,
      nonce_str: randomBytes(8).toString('hex'),
      result_code: 'err_code' in result ? 'FAIL' : 'SUCCESS',
      ...result,
    };
    if (fault?.kind !== 'unsigned') answer.sign = fakeSign(answer, key, signType);
    if (fault?.kind === 'bad-sign')
      answer.sign = `${answer.sign!.slice(0, -1)}${answer.sign!.endsWith('0') ? '1' : '0'}`;
    this.#send(res, fakeXml(answer));
  }

  #operate(path: string, f: Fields): Fields {
    const err = (err_code: string, err_code_des = err_code) => ({ err_code, err_code_des });
    const find = () =>
      [...this.orders.values()].find(
        (o) =>
          (f.out_trade_no && o.fields.out_trade_no === f.out_trade_no) ||
          (f.transaction_id && o.transactionId === f.transaction_id) ||
          (f.out_refund_no && o.refunds.some((r) => r.out_refund_no === f.out_refund_no)) ||
          (f.refund_id && o.refunds.some((r) => r.refund_id === f.refund_id)),
      );
    switch (path) {
      case '/pay/unifiedorder': {
        const needed = ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'notify_url', 'trade_type'];
        if (f.trade_type === 'NATIVE') needed.push('product_id');
        if (f.trade_type === 'JSAPI') needed.push('openid');
        if (needed.some((n) => !f[n])) return err('LACK_PARAMS', '缺少参数');
        const existing = this.orders.get(f.out_trade_no!);
        if (existing && existing.state !== 'NOTPAY') return err('ORDERPAID', '该订单已支付');
        if (existing && (existing.fields.total_fee !== f.total_fee || existing.fields.body !== f.body)) {
          return err('INVALID_REQUEST', '201 商户订单号重复');
        }
        const order = existing ?? {
          fields: f,
          prepayId: `wx${randomBytes(14).toString('hex')}`,
          state: 'NOTPAY' as const,
          transactionId: `4200000${String(this.orders.size + 1).padStart(21, '0')}`,
          refunds: [],
        };
        this.orders.set(f.out_trade_no!, order);
        return {
          trade_type: f.trade_type!,
          prepay_id: order.prepayId,
          ...(f.trade_type === 'NATIVE'
            ? { code_url: `weixin://wxpay/bizpayurl?pr=${order.prepayId.slice(2, 9)}` }
            : {}),
        };
      }
      case '/pay/orderquery': {
        const o = find();
        if (!o) return err('ORDERNOTEXIST', '订单不存在');
        const paid = o.state === 'SUCCESS' || o.state === 'REFUND';
        return {
          out_trade_no: o.fields.out_trade_no!,
          trade_state: o.state,
          trade_state_desc: o.state,
          ...(paid
            ? {
                transaction_id: o.transactionId,
                openid: o.fields.openid ?? 'oFakeOpenid',
                is_subscribe: 'N',
                trade_type: o.fields.trade_type!,
                bank_type: 'OTHERS',
                total_fee: o.fields.total_fee!,
                cash_fee: o.fields.total_fee!,
                fee_type: 'CNY',
                time_end: '20240101120000',
              }
            : {}),
        };
      }
      case '/pay/micropay':
        return this.#micropay(f, err);
      case '/secapi/pay/reverse': {
        const step = this.reversePlan.shift();
        if (step === 'recall') return { recall: 'Y' };
        if (step === 'SYSTEMERROR') return { ...err('SYSTEMERROR', '系统超时'), recall: 'Y' };
        if (step) return { ...err(step.errCode), recall: 'N' };
        const o = find();
        if (
          o &&
          o.state !== 'NOTPAY' &&
          o.state !== 'USERPAYING' &&
          o.state !== 'SUCCESS' &&
          o.state !== 'REVOKED'
        )
          return { ...err('TRADE_ERROR', `订单状态 ${o.state} 不能撤销`), recall: 'N' };
        if (o) o.state = 'REVOKED';
        return { recall: 'N' };
      }
      case '/pay/closeorder': {
        const o = find();
        if (!o) return err('ORDERNOTEXIST', '订单不存在');
        if (o.state !== 'NOTPAY') return err(o.state === 'CLOSED' ? 'ORDERCLOSED' : 'ORDERPAID');
        o.state = 'CLOSED';
        return {};
      }
      case '/secapi/pay/refund': {
        const o = find();
        if (!o || o.state === 'NOTPAY' || o.state === 'CLOSED') return err('ORDERNOTEXIST', '订单不存在');
        if (f.total_fee !== o.fields.total_fee) return err('PARAM_ERROR', '订单金额不符');
        let refund = o.refunds.find((r) => r.out_refund_no === f.out_refund_no);
        if (!refund) {
          const refunded = o.refunds.reduce((sum, r) => sum + Number(r.refund_fee), 0);
          if (refunded + Number(f.refund_fee) > Number(o.fields.total_fee))
            return err('NOTENOUGH', '退款金额大于支付金额');
          refund = {
            out_refund_no: f.out_refund_no!,
            refund_id: `5030${o.refunds.length}${Date.now()}`,
            refund_fee: f.refund_fee!,
          };
          o.refunds.push(refund);
          o.state = 'REFUND';
        }
        return {
          transaction_id: o.transactionId,
          out_trade_no: o.fields.out_trade_no!,
          ...refund,
          total_fee: o.fields.total_fee!,
          cash_fee: o.fields.total_fee!,
          cash_refund_fee: refund.refund_fee,
        };
      }
      case '/pay/refundquery': {
        const o = find();
        if (!o || o.refunds.length === 0) return err('REFUNDNOTEXIST', '退款订单查询失败');
        const out: Fields = {
          transaction_id: o.transactionId,
          out_trade_no: o.fields.out_trade_no!,
          total_fee: o.fields.total_fee!,
          cash_fee: o.fields.total_fee!,
          refund_count: String(o.refunds.length),
        };
        o.refunds.forEach((r, n) => {
          Object.assign(out, {
            [`out_refund_no_${n}`]: r.out_refund_no,
            [`refund_id_${n}`]: r.refund_id,
            [`refund_fee_${n}`]: r.refund_fee,
            [`refund_status_${n}`]: 'SUCCESS',
            [`refund_channel_${n}`]: 'ORIGINAL',
            [`refund_recv_accout_${n}`]: '支付用户的零钱',
            [`refund_success_time_${n}`]: '2024-01-01 12:00:05',
            [`coupon_refund_fee_${n}`]: '0',
          });
        });
        return out;
      }
      case '/tools/shorturl':
        return {
          short_url: `weixin://wxpay/s/${createHash('md5')
            .update(f.long_url ?? '')
            .digest('hex')
            .slice(0, 7)}`,
        };
      default:
        return err('INVALID_REQUEST', `unknown path ${path}`);
    }
  }

  #micropay(f: Fields, err: (code: string, des?: string) => Fields): Fields {
    const needed = ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code'];
    if (needed.some((n) => !f[n])) return err('LACK_PARAMS', '缺少参数');
    if (!/^1[0-5]\d{16}$/.test(f.auth_code!)) return err('AUTH_CODE_INVALID', '请扫描微信支付授权码');
    const step = this.micropayPlan.shift() ?? { answer: 'paid' };
    if (step.answer === 'fail') return err(step.errCode, step.errCodeDes);
    const state = step.answer === 'paid' ? 'SUCCESS' : step.order;
    const order: Order = {
      fields: { ...f, trade_type: 'MICROPAY', openid: 'oMicropayOpenid' },
      prepayId: '',
      state: state === 'none' ? 'NOTPAY' : state,
      transactionId: `4200000${String(this.orders.size + 1).padStart(21, '0')}`,
      refunds: [],
    };
    if (state !== 'none') this.orders.set(f.out_trade_no!, order);
    if (step.answer !== 'paid')
      return err(step.answer, step.answer === 'USERPAYING' ? '需要用户输入支付密码' : '系统超时');
    return {
      openid: 'oMicropayOpenid',
      is_subscribe: 'N',
      trade_type: 'MICROPAY',
      bank_type: 'CMC',
      total_fee: f.total_fee!,
      cash_fee: f.total_fee!,
      fee_type: 'CNY',
      transaction_id: order.transactionId,
      out_trade_no: f.out_trade_no!,
      ...(f.attach ? { attach: f.attach } : {}),
      time_end: '20240101120000',
    };
  }

  #bill(res: ServerResponse, f: Fields): void {
    const csv = this.bills.get(f.bill_date ?? '');
    if (csv === undefined) {
      this.#fail(res, 'No Bill Exist');
      return;
    }
    res.setHeader('content-type', 'text/plain;charset=utf-8');
    this.#send(res, f.tar_type === 'GZIP' ? gzipSync(csv) : csv);
  }

  #fail(res: ServerResponse, msg: string): void {
    this.#send(res, fakeXml({ return_code: 'FAIL', return_msg: msg }));
  }

  #send(res: ServerResponse, body: string | Buffer): void {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/xml');
    res.end(body);
  }
}
