import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sha1Hex } from '@wechatpay-kit/sdk/crypto';
import {
  buildFundFlowBill,
  buildTradeBill,
  fundFlowBillIsEmpty,
  type TradeBillType,
  tradeBillIsEmpty,
} from '../../engine/bill-builder.js';
import type { SimContext } from '../../sim-context.js';
import type { V3Call, V3Endpoints } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';

/** A `download_url` works this long (simulated time), as WeChat's does. */
const DOWNLOAD_TTL_MS = 30_000;
/** Bills of day D are generated in the morning of D+1 (UTC+8); from 10:00 they are ready. */
const READY_HOUR = 10;
/** WeChat keeps bills of the last three months. */
const MAX_AGE_DAYS = 92;
const DAY_MS = 24 * 3600_000;
const BEIJING_MS = 8 * 3600_000;
const TRADE_BILL_TYPES: readonly TradeBillType[] = ['ALL', 'SUCCESS', 'REFUND'];
const ACCOUNT_TYPES = ['BASIC', 'OPERATION', 'FEES'] as const;

interface PreparedBill {
  mchid: string;
  bytes: Buffer;
  gzip: boolean;
  expiresAt: number;
}

/** The engine parts the bill routes read. */
export type V3BillDeps = Pick<SimContext, 'clock' | 'publicUrl' | 'refunds' | 'trades'>;

/**
 * `/v3/bill/tradebill` and `/v3/bill/fundflowbill` answer where to fetch the day's bill and its
 * SHA-1 (of the uncompressed file); `/v3/billdownload/file` is that short-lived link: a signed GET
 * whose answer is the bare file, unsigned. Bills are built from the simulator's own records.
 */
export function v3BillRoutes(endpoints: V3Endpoints, ctx: V3BillDeps): void {
  const prepared = new Map<string, PreparedBill>();

  const publish = (call: V3Call, bill: string) => {
    const now = ctx.clock.now();
    for (const [token, entry] of prepared) if (entry.expiresAt <= now) prepared.delete(token);
    const gzip = readTarType(call);
    const text = Buffer.from(bill, 'utf8');
    const token = randomBytes(24).toString('base64url');
    prepared.set(token, {
      mchid: call.caller.mchid,
      bytes: gzip ? gzipSync(text) : text,
      gzip,
      expiresAt: now + DOWNLOAD_TTL_MS,
    });
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: sha1Hex(text),
        download_url: `${calledBaseUrl(call, ctx)}/v3/billdownload/file?token=${token}`,
      },
    };
  };

  endpoints.get('/v3/bill/tradebill', { api: 'v3.bills.trade' }, (call) => {
    const date = readBillDate(call, ctx.clock.now());
    const type = readQueryChoice(call, 'bill_type', TRADE_BILL_TYPES);
    const mchid = call.caller.mchid;
    const input = { trades: ctx.trades.list({ mchid }), refunds: ctx.refunds.list(mchid), date, type, mchid };
    if (tradeBillIsEmpty(input))
      throw noStatement(`merchant ${mchid} has no ${type} trade bill rows on ${date}`);
    return publish(call, buildTradeBill(input));
  });

  endpoints.get('/v3/bill/fundflowbill', { api: 'v3.bills.fundflow' }, (call) => {
    const date = readBillDate(call, ctx.clock.now());
    const account = readQueryChoice(call, 'account_type', ACCOUNT_TYPES);
    const mchid = call.caller.mchid;
    const input = { trades: ctx.trades.list({ mchid }), refunds: ctx.refunds.list(mchid), date, mchid };
    if (account !== 'BASIC' || fundFlowBillIsEmpty(input)) {
      throw noStatement(`no money moved on the ${account} account of merchant ${mchid} on ${date}`);
    }
    return publish(call, buildFundFlowBill(input));
  });

  endpoints.get('/v3/billdownload/file', { api: 'v3.bills.download', acceptsAnything: true }, (call) => {
    const token = call.query('token') ?? '';
    const bill = prepared.get(token);
    if (!bill || bill.mchid !== call.caller.mchid || bill.expiresAt <= ctx.clock.now()) {
      throw new V3Error(400, 'INVALID_REQUEST', '参数错误', {
        field: 'token',
        location: 'query',
        issue: bill
          ? `this download_url expired ${DOWNLOAD_TTL_MS / 1000} s after it was issued: apply for the bill again`
          : 'unknown download token: use the download_url returned by /v3/bill/tradebill or /v3/bill/fundflowbill',
      });
    }
    return {
      status: 200,
      file: {
        bytes: bill.bytes,
        contentType: bill.gzip ? 'application/x-gzip' : 'text/plain; charset=utf-8',
      },
    };
  });
}

/**
 * The base URL the client called, so `download_url` names the host it signs requests for: clients
 * that strip `https://api.mch.weixin.qq.com` before signing would sign a whole foreign URL if the
 * link named the listen address. The `Host` has passed the simulator's host check; when it is the
 * public URL's host, the public URL is used as is (its scheme may be a TLS proxy's).
 */
function calledBaseUrl(call: V3Call, ctx: V3BillDeps): string {
  const host = call.request.headers.host;
  const publicUrl = ctx.publicUrl();
  if (!host || new URL(publicUrl).host === host.toLowerCase()) return publicUrl;
  return `${call.request.protocol}://${host}`;
}

/** `bill_date` must be a real day, within three months, whose bill has been generated. */
/** A query parameter that must be one of `allowed`; absent, the first of them (WeChat's default). */
function readQueryChoice<T extends string>(call: V3Call, name: string, allowed: readonly T[]): T {
  const value = call.query(name) ?? allowed[0]!;
  if (!(allowed as readonly string[]).includes(value)) {
    const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
    throw V3Error.param(name, `${name} must be ${choices}, got ${value}`, 'query', value);
  }
  return value as T;
}

function readBillDate(call: V3Call, now: number): string {
  const date = call.query('bill_date');
  const match = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  const start = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - BEIJING_MS
    : Number.NaN;
  if (
    !date ||
    !match ||
    Number.isNaN(start) ||
    new Date(start + BEIJING_MS).toISOString().slice(0, 10) !== date
  ) {
    throw V3Error.param('bill_date', 'bill_date must be a date YYYY-MM-DD', 'query', date);
  }
  const today = Math.floor((now + BEIJING_MS) / DAY_MS) * DAY_MS - BEIJING_MS;
  if (start >= today + DAY_MS || start < today - MAX_AGE_DAYS * DAY_MS) {
    throw new V3Error(400, 'INVALID_REQUEST', '参数错误', {
      field: 'bill_date',
      value: date,
      location: 'query',
      issue: `bill_date ${date} is ${start >= today ? 'in the future' : 'more than three months ago'} (simulated clock: ${beijingText(now)})`,
    });
  }
  const readyAt = start + DAY_MS + READY_HOUR * 3600_000;
  if (now < readyAt) {
    throw new V3Error(400, 'STATEMENT_CREATING', '账单生成中', {
      field: 'bill_date',
      value: date,
      location: 'query',
      issue: `the bill of ${date} is ready from ${beijingText(readyAt)}; simulated clock is ${beijingText(now)} (advance it through the control API)`,
    });
  }
  return date;
}

function readTarType(call: V3Call): boolean {
  const tarType = call.query('tar_type');
  if (tarType !== undefined && tarType !== 'GZIP') {
    throw V3Error.param('tar_type', `tar_type must be GZIP or absent, got ${tarType}`, 'query', tarType);
  }
  return tarType === 'GZIP';
}

function noStatement(issue: string): V3Error {
  return new V3Error(400, 'NO_STATEMENT_EXIST', '账单文件不存在', { issue });
}

function beijingText(ms: number): string {
  return `${new Date(ms + BEIJING_MS).toISOString().slice(0, 19).replace('T', ' ')} UTC+8`;
}
