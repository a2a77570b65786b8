import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SimError } from '../../engine/sim-error.js';
import type { ApiFaultGate } from '../api-fault-gate.js';
import { authenticateV3, claimedMchid, type V3AuthDeps, type V3Caller } from './v3-authenticator.js';
import { V3Error } from './v3-error.js';
import { v3ErrorFromSim } from './v3-error-map.js';
import { V3JsonBody } from './v3-json-body.js';
import { sendV3Answer, type V3Answer, type V3ResponderDeps } from './v3-responder.js';

/** One authenticated v3 call, as a handler sees it. */
export interface V3Call {
  caller: V3Caller;
  request: FastifyRequest;
  /** The body as JSON (400 PARAM_ERROR when empty or malformed). */
  json(): V3JsonBody;
  /** A query parameter exactly as sent (decoded), or undefined. */
  query(name: string): string | undefined;
  /** A path parameter (decoded). */
  param(name: string): string;
}

export type V3Handler = (call: V3Call) => V3Answer | Promise<V3Answer>;

export interface V3RouteOptions {
  /** Name for fault injection: `v3.transactions.native`, `v3.bills.trade` (`v3.bills.*` for every bill call), … */
  api: string;
  /** File downloads answer with whatever the client accepts; JSON APIs insist on JSON. */
  acceptsAnything?: boolean;
}

/** Request bodies of the real APIs are a few KiB; this leaves room and refuses abuse. */
const BODY_LIMIT = 64 * 1024;

/** What every v3 endpoint needs to authenticate a call and sign its answer. */
export type V3EndpointDeps = V3AuthDeps & V3ResponderDeps;

/**
 * Mounts v3 endpoints with everything they share, in WeChat's order: header rules, authentication,
 * injected faults (through the simulator's shared {@link ApiFaultGate}), the handler, and the
 * translation of every refusal into a signed JSON error.
 */
export class V3Endpoints {
  readonly #app: FastifyInstance;
  readonly #ctx: V3EndpointDeps;
  readonly #gate: ApiFaultGate;

  constructor(app: FastifyInstance, ctx: V3EndpointDeps, gate: ApiFaultGate) {
    this.#app = app;
    this.#ctx = ctx;
    this.#gate = gate;
  }

  get(url: string, options: V3RouteOptions, handler: V3Handler): void {
    this.#route('GET', url, options, handler);
  }

  post(url: string, options: V3RouteOptions, handler: V3Handler): void {
    this.#route('POST', url, options, handler);
  }

  #route(method: 'GET' | 'POST', url: string, options: V3RouteOptions, handler: V3Handler): void {
    this.#app.route({
      method,
      url,
      bodyLimit: BODY_LIMIT,
      handler: (request, reply) => this.#run(request, reply, options, handler),
      errorHandler: (error: FastifyError, request, reply) => {
        sendV3Answer(reply, this.#ctx, claimedMchid(request, this.#ctx), answerFor(frameworkError(error)));
      },
    });
  }

  async #run(request: FastifyRequest, reply: FastifyReply, options: V3RouteOptions, handler: V3Handler) {
    const ctx = this.#ctx;
    let signer = claimedMchid(request, ctx);
    try {
      checkHeaders(request, options);
      const caller = authenticateV3(request, ctx);
      signer = caller.mchid;
      const outcome = await this.#gate.pass(options.api, request, reply);
      if (outcome === 'ANSWERED') return reply;
      if (outcome !== 'PROCEED') return sendV3Answer(reply, ctx, signer, answerFor(injected(outcome)));
      let settled: { answer: V3Answer } | { refusal: unknown };
      try {
        settled = { answer: await handler(callOf(caller, request)) };
      } catch (refusal) {
        settled = { refusal };
      }
      // A fault marked `after` replaces the answer, even a refusal: the change stands, the answer is lost.
      const late = await this.#gate.afterEffect(request, reply);
      if (late === 'ANSWERED') return reply;
      if (late !== 'PROCEED') return sendV3Answer(reply, ctx, signer, answerFor(injected(late)));
      if ('refusal' in settled) throw settled.refusal;
      return sendV3Answer(reply, ctx, signer, settled.answer);
    } catch (error) {
      const refusal = asV3Error(error, options.api);
      if (!refusal) request.log.error({ err: error }, 'v3 handler failed');
      return sendV3Answer(reply, ctx, signer, answerFor(refusal ?? systemError()));
    }
  }
}

function callOf(caller: V3Caller, request: FastifyRequest): V3Call {
  const rawUrl = request.raw.url ?? request.url;
  const search = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '');
  let body: V3JsonBody | undefined;
  return {
    caller,
    request,
    json: () => {
      body ??= V3JsonBody.parse(Buffer.isBuffer(request.body) ? request.body : undefined);
      return body;
    },
    query: (name) => search.get(name) ?? undefined,
    param: (name) => (request.params as Record<string, string>)[name] ?? '',
  };
}

/** WeChat's interface rules: a User-Agent, JSON accepted, and JSON bodies labelled as such. */
function checkHeaders(request: FastifyRequest, options: V3RouteOptions): void {
  if (!request.headers['user-agent']) {
    throw V3Error.invalidRequest(
      'User-Agent',
      'no User-Agent header: WeChat Pay API v3 requires every request to identify its client',
    );
  }
  const accept = request.headers.accept;
  if (!options.acceptsAnything && !(accept && /application\/json|application\/\*|\*\/\*/i.test(accept))) {
    throw V3Error.invalidRequest(
      'Accept',
      accept
        ? `Accept ${accept} does not allow application/json`
        : 'no Accept header: send Accept: application/json',
    );
  }
  const hasBody = Buffer.isBuffer(request.body) && request.body.length > 0;
  const type = request.headers['content-type'];
  if (hasBody && !(type && /^application\/json\b/i.test(type))) {
    throw V3Error.invalidRequest(
      'Content-Type',
      `a JSON body must be sent with Content-Type: application/json${type ? `, not ${type}` : ''}`,
    );
  }
}

function asV3Error(error: unknown, api: string): V3Error | undefined {
  if (error instanceof V3Error) return error;
  if (error instanceof SimError)
    return v3ErrorFromSim(error, api.startsWith('v3.refunds') ? 'refunds' : 'transactions');
  return undefined;
}

/** An injected fault in v3 words: WeChat's 500 `SYSTEM_ERROR`, or the payer's bank's `BANK_ERROR`. */
function injected(kind: 'SYSTEMERROR' | 'BANKERROR'): V3Error {
  return kind === 'BANKERROR' ? new V3Error(500, 'BANK_ERROR', '银行系统异常') : systemError();
}

function systemError(): V3Error {
  return new V3Error(500, 'SYSTEM_ERROR', '系统错误');
}

function answerFor(error: V3Error): V3Answer {
  return { status: error.status, body: error.toJSON() };
}

/** Fastify's own refusals (body too large, broken framing) in WeChat's words. */
function frameworkError(error: FastifyError): V3Error {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return V3Error.param('body', `request body exceeds ${BODY_LIMIT} bytes`);
  }
  if (error.statusCode !== undefined && error.statusCode < 500) {
    return V3Error.invalidRequest('body', error.message, 'body');
  }
  return systemError();
}
