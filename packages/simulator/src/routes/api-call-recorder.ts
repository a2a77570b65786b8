import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiCall, ApiFamily } from '../engine/api-call-log.js';
import type { SimContext } from '../sim-context.js';

/** Where the control API and pages live; their requests are not API calls. */
const NOT_API = /^\/(?:_sim(?:\/|$|\?)|favicon\.ico)/;
/** Larger answers (bills) never carry an error code worth reading. */
const MAX_INSPECTED = 64 * 1024;
/** Identifiers only: a value that could break a log line or smuggle text is left out. */
const PLAIN_ID = /^[A-Za-z0-9_\-|*@.]{1,64}$/;

interface InFlight {
  started: number;
  realAt: number;
  answer?: string;
}

const marks = new WeakMap<IncomingMessage, { api: string; fault?: string }>();

/**
 * Lets a route say which API a request was and which fault it injected, for the call log;
 * called by the fault gates, which are the first to know both.
 */
export function markApiCall(request: IncomingMessage, api: string, fault?: string): void {
  marks.set(request, fault ? { api, fault } : { api });
}

/**
 * Logs every call to WeChat's APIs into `ctx.apiCalls` when its connection is done — answered, or
 * held by a fault until the client gave up — with the merchant, order and refusal read from the
 * request and answer. Bodies, query strings and header values are read here and never stored.
 */
export function recordApiCalls(app: FastifyInstance, ctx: Pick<SimContext, 'apiCalls'>): void {
  const inFlight = new WeakMap<FastifyRequest, InFlight>();
  app.addHook('onRequest', (request, reply, done) => {
    if (!NOT_API.test(request.url)) {
      const call: InFlight = { started: performance.now(), realAt: Date.now() };
      inFlight.set(request, call);
      reply.raw.once('close', () => ctx.apiCalls.add(describeCall(request, reply, call)));
    }
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    const call = inFlight.get(request);
    if (
      call &&
      (typeof payload === 'string' || Buffer.isBuffer(payload)) &&
      payload.length <= MAX_INSPECTED
    ) {
      call.answer = payload.toString();
    }
    done(null, payload);
  });
}

function describeCall(request: FastifyRequest, reply: FastifyReply, call: InFlight): Omit<ApiCall, 'seq'> {
  const path = request.url.split('?')[0] ?? request.url;
  const family = familyOf(path);
  const mark = marks.get(request.raw);
  const sent = reply.raw.headersSent;
  const ids = family === 'v3' ? v3Ids(request, path) : family === 'v2' ? v2Ids(request) : {};
  const refusal = sent && call.answer !== undefined ? refusalIn(family, reply.statusCode, call.answer) : {};
  return withoutUndefined({
    realAt: call.realAt,
    method: request.method,
    path,
    family,
    api: mark?.api,
    ...ids,
    httpStatus: sent ? reply.statusCode : undefined,
    ...refusal,
    durationMs: Math.round(performance.now() - call.started),
    fault: mark?.fault,
  });
}

function familyOf(path: string): ApiFamily {
  if (path.startsWith('/v3/')) return 'v3';
  if (/^\/(?:cgi-bin|sns|connect)\//.test(path)) return 'platform';
  return 'v2';
}

type Ids = Pick<ApiCall, 'mchid' | 'outTradeNo' | 'outRefundNo'>;

function v3Ids(request: FastifyRequest, path: string): Ids {
  const auth = request.headers.authorization;
  const json = jsonBody(request.body);
  return {
    mchid: plain(typeof auth === 'string' ? /\bmchid="([^"]*)"/.exec(auth)?.[1] : undefined),
    outTradeNo: plain(segmentAfter(path, 'out-trade-no') ?? json?.out_trade_no),
    outRefundNo: plain(segmentAfter(path, 'refunds') ?? json?.out_refund_no),
  };
}

function v2Ids(request: FastifyRequest): Ids {
  const xml =
    Buffer.isBuffer(request.body) && request.body.length <= MAX_INSPECTED ? request.body.toString() : '';
  return {
    mchid: plain(xmlField(xml, 'mch_id')),
    outTradeNo: plain(xmlField(xml, 'out_trade_no')),
    outRefundNo: plain(xmlField(xml, 'out_refund_no')),
  };
}

function refusalIn(family: ApiFamily, status: number, answer: string): Pick<ApiCall, 'code' | 'message'> {
  if (family === 'v2') {
    if (xmlField(answer, 'return_code') === 'FAIL') return refusal('FAIL', xmlField(answer, 'return_msg'));
    if (xmlField(answer, 'result_code') === 'FAIL') {
      return refusal(xmlField(answer, 'err_code'), xmlField(answer, 'err_code_des'));
    }
    return {};
  }
  const json = jsonBody(answer);
  if (family === 'v3') return status >= 400 ? refusal(json?.code, json?.message) : {};
  const errcode = json?.errcode;
  return errcode !== undefined && errcode !== 0 ? refusal(String(errcode), json?.errmsg) : {};
}

function refusal(code: unknown, message: unknown): Pick<ApiCall, 'code' | 'message'> {
  return {
    code: plain(code) ?? 'UNKNOWN',
    message: typeof message === 'string' ? message.replace(/\p{Cc}+/gu, ' ').slice(0, 200) : undefined,
  };
}

function segmentAfter(path: string, name: string): string | undefined {
  const parts = path.split('/');
  const at = parts.indexOf(name);
  const value = at >= 0 ? parts[at + 1] : undefined;
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** One compiled pattern per tag read (a handful), not one per call: this runs on every API request. */
const XML_FIELDS = new Map<string, RegExp>();

function xmlField(xml: string, tag: string): string | undefined {
  let pattern = XML_FIELDS.get(tag);
  if (!pattern) {
    pattern = new RegExp(`<${tag}>\\s*(?:<!\\[CDATA\\[([^\\]]*)\\]\\]>|([^<]*))\\s*</${tag}>`);
    XML_FIELDS.set(tag, pattern);
  }
  const match = pattern.exec(xml);
  return match ? (match[1] ?? match[2]) : undefined;
}

function jsonBody(body: unknown): Record<string, unknown> | undefined {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : undefined;
  if (!text || text.length > MAX_INSPECTED || !text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function plain(value: unknown): string | undefined {
  return typeof value === 'string' && PLAIN_ID.test(value) ? value : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
