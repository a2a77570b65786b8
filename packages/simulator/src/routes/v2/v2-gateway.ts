import { randomBytes } from 'node:crypto';
import { buildV2Xml, type V2Fields, type V2SignType } from '@wechatpay-kit/sdk';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { SimError } from '../../engine/sim-error.js';
import type { MerchantRecord } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import type { ApiFaultGate } from '../api-fault-gate.js';
import { required } from './v2-field-rules.js';
import {
  asciiHint,
  V2_RETURN_MSG,
  V2HttpRefusal,
  V2ResultFailure,
  V2ReturnFailure,
  type V2Signer,
  v2FailHint,
  v2FailureOf,
  v2FailXml,
  v2SignedXml,
} from './v2-replies.js';
import { readFields, verifySign } from './v2-request-reader.js';

/** An authenticated v2 request, as a handler sees it. */
export interface V2Call {
  fields: Readonly<Record<string, string>>;
  merchant: MerchantRecord;
  /** The request's appid, checked to be bound to the merchant. */
  appid: string;
  signKey: string;
  signType: V2SignType;
  /** Came in under `/sandboxnew/` and was signed with the sandbox key. */
  sandbox: boolean;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Answer fields (signed for the handler), or a non-XML body such as a bill. */
export type V2Outcome = { fields: V2Fields } | { body: string | Buffer; contentType: string };

export type V2Handler = (call: V2Call) => V2Outcome | Promise<V2Outcome>;

export interface V2EndpointOptions {
  /** Fault-rule name, `v2.<op>`. */
  api: string;
  sandbox: boolean;
  /** Runs before the body is read (the client-certificate check of `/secapi`). */
  screen?: (request: FastifyRequest, reply: FastifyReply) => void;
  /** Fields WeChat adds to its busy answer: reverse says `recall=Y` (call again). */
  busyFields?: V2Fields;
}

/** The gateway finds the calling merchant (and rotates its sandbox key). */
export type V2GatewayDeps = Pick<SimContext, 'merchants'>;

/**
 * The v2 request pipeline shared by every endpoint, in WeChat's order: POST only → fault injection →
 * a non-empty UTF-8 XML body → a known `mch_id` → a valid `sign` (with the API key, or the sandbox
 * key under `/sandboxnew/`) → an `appid` bound to that merchant → the handler. Failures before the
 * sign is verified are `return_code=FAIL` and unsigned; everything after is signed with the
 * request's own key and sign type.
 */
export class V2Gateway {
  readonly #ctx: V2GatewayDeps;
  readonly #gate: ApiFaultGate;

  constructor(ctx: V2GatewayDeps, gate: ApiFaultGate) {
    this.#ctx = ctx;
    this.#gate = gate;
  }

  endpoint(options: V2EndpointOptions, handler: V2Handler): RouteHandlerMethod {
    return async (request, reply) => {
      let signer: V2Signer | undefined;
      try {
        if (request.method !== 'POST') {
          throw new V2ReturnFailure(
            V2_RETURN_MSG.REQUIRE_POST_METHOD,
            'REQUIRE_POST_METHOD',
            `${request.method} is not accepted: v2 APIs take an XML body by POST`,
          );
        }
        const outcome = await this.#gate.pass(options.api, request, reply);
        if (outcome === 'ANSWERED') return reply;
        options.screen?.(request, reply);
        const fields = readFields(request.body);
        const call = this.#authenticate(fields, options.sandbox, request, reply);
        signer = {
          appid: call.appid,
          mchid: call.merchant.mchid,
          signKey: call.signKey,
          signType: call.signType,
        };
        if (outcome === 'SYSTEMERROR' || outcome === 'BANKERROR') throw injected(outcome, options);
        let settled: { answer: V2Outcome } | { refusal: unknown };
        try {
          settled = { answer: await handler(call) };
        } catch (refusal) {
          settled = { refusal };
        }
        // A fault marked `after` replaces the answer, even a refusal: the change stands, the answer is lost.
        const late = await this.#gate.afterEffect(request, reply);
        if (late === 'ANSWERED') return reply;
        if (late !== 'PROCEED') throw injected(late, options);
        if ('refusal' in settled) throw settled.refusal;
        const { answer } = settled;
        if ('body' in answer) return reply.type(answer.contentType).send(answer.body);
        return sendXml(reply, v2SignedXml(signer, { fields: answer.fields }));
      } catch (error) {
        return this.#refuse(reply, signer, error);
      }
    };
  }

  /**
   * `/sandboxnew/pay/getsignkey`: signed with the real API key, answered unsigned with the key the
   * sandbox signs with from then on (the same key every time, as WeChat's).
   */
  sandboxKeyEndpoint(): RouteHandlerMethod {
    return async (request, reply) => {
      try {
        if (request.method !== 'POST') {
          throw new V2ReturnFailure(
            V2_RETURN_MSG.REQUIRE_POST_METHOD,
            'REQUIRE_POST_METHOD',
            'getsignkey takes an XML body by POST',
          );
        }
        const outcome = await this.#gate.pass('v2.getsignkey', request, reply);
        if (outcome === 'ANSWERED') return reply;
        const fields = readFields(request.body);
        const merchant = this.#merchantOf(fields);
        required(fields, 'nonce_str', 32);
        required(fields, 'sign', 64);
        verifySign(fields, merchant.apiKey, false);
        if (outcome === 'SYSTEMERROR')
          throw new V2ReturnFailure('系统繁忙,请稍后再试', 'SYSTEMERROR', 'injected fault');
        const key =
          merchant.sandboxSignKey ??
          this.#ctx.merchants.update(merchant.mchid, { sandboxSignKey: randomBytes(16).toString('hex') })
            .sandboxSignKey;
        const xml = buildV2Xml({
          return_code: 'SUCCESS',
          return_msg: 'ok',
          mch_id: merchant.mchid,
          sandbox_signkey: key,
        });
        return sendXml(reply, xml);
      } catch (error) {
        return this.#refuse(reply, undefined, error);
      }
    };
  }

  #merchantOf(fields: Record<string, string>): MerchantRecord {
    const mchid = required(fields, 'mch_id', 32);
    const merchant = this.#ctx.merchants.get(mchid);
    if (!merchant) {
      throw new V2ReturnFailure(
        V2_RETURN_MSG.MCHID_NOT_EXIST,
        'MCHID_NOT_EXIST',
        `no simulated merchant has mch_id ${mchid}`,
      );
    }
    return merchant;
  }

  #authenticate(
    fields: Record<string, string>,
    sandbox: boolean,
    request: FastifyRequest,
    reply: FastifyReply,
  ): V2Call {
    const merchant = this.#merchantOf(fields);
    const mchid = merchant.mchid;
    const signKey = sandbox ? merchant.sandboxSignKey : merchant.apiKey;
    if (!signKey) {
      throw new V2ReturnFailure(
        V2_RETURN_MSG.SIGNERROR,
        'SIGNERROR',
        'no sandbox key was issued yet: POST /sandboxnew/pay/getsignkey first and sign with its sandbox_signkey',
      );
    }
    required(fields, 'nonce_str', 32);
    required(fields, 'sign', 64);
    const signType = verifySign(fields, signKey, sandbox);
    const appid = required(fields, 'appid', 32);
    if (!merchant.apps.some((a) => a.appid === appid)) {
      const owner = this.#ctx.merchants.byAppid(appid);
      throw owner
        ? new V2ReturnFailure(
            V2_RETURN_MSG.APPID_MCHID_NOT_MATCH,
            'APPID_MCHID_NOT_MATCH',
            `appid ${appid} is bound to merchant ${owner.merchant.mchid}, not ${mchid}`,
          )
        : new V2ReturnFailure(
            V2_RETURN_MSG.APPID_NOT_EXIST,
            'APPID_NOT_EXIST',
            `no simulated app has appid ${appid}; merchant ${mchid} has ${merchant.apps.map((a) => a.appid).join(', ')}`,
          );
    }
    return { fields, merchant, appid, signKey, signType, sandbox, request, reply };
  }

  #refuse(reply: FastifyReply, signer: V2Signer | undefined, error: unknown): FastifyReply {
    if (error instanceof V2HttpRefusal) {
      return reply.code(error.status).type('text/html').send(error.html);
    }
    const failure = error instanceof SimError ? v2FailureOf(error) : error;
    if (failure instanceof V2ResultFailure && signer) {
      if (failure.hint) reply.header('x-sim-hint', asciiHint(failure.hint));
      return sendXml(reply, v2SignedXml(signer, { failure }));
    }
    if (failure instanceof V2ReturnFailure) {
      const hint = v2FailHint(failure);
      if (hint) reply.header('x-sim-hint', asciiHint(hint));
      return sendXml(reply, v2FailXml(failure));
    }
    throw error;
  }
}

/** An injected SYSTEMERROR / BANKERROR in v2 words, signed like any business failure. */
function injected(kind: 'SYSTEMERROR' | 'BANKERROR', options: V2EndpointOptions): V2ResultFailure {
  return kind === 'BANKERROR'
    ? new V2ResultFailure('BANKERROR', '银行系统异常', 'injected fault: query the order', options.busyFields)
    : new V2ResultFailure(
        'SYSTEMERROR',
        '系统超时',
        'injected fault: retry with the same parameters',
        options.busyFields,
      );
}

function sendXml(reply: FastifyReply, xml: string): FastifyReply {
  return reply.type('text/xml; charset=utf-8').send(xml);
}
