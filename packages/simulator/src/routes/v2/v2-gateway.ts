import { randomBytes } from 'node:crypto';
import {
  buildV2Xml,
  parseV2Xml,
  type V2Fields,
  type V2SignType,
  WechatPayFormatError,
  WechatPaySignatureError,
} from '@wechatpay-kit/sdk';
import { v2Verify } from '@wechatpay-kit/sdk/crypto';
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
}

/** Largest v2 request read; WeChat's messages are a few KiB. */
const MAX_REQUEST_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

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
        if (outcome === 'SYSTEMERROR') {
          throw new V2ResultFailure(
            'SYSTEMERROR',
            '系统超时',
            'injected fault: retry with the same parameters',
          );
        }
        const answer = await handler(call);
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

/** Raw bytes → flat fields, refusing what WeChat refuses (empty, not UTF-8, not XML, too large). */
function readFields(body: unknown): Record<string, string> {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new V2ReturnFailure(V2_RETURN_MSG.POST_DATA_EMPTY, 'POST_DATA_EMPTY', 'the request body is empty');
  }
  if (body.length > MAX_REQUEST_BYTES) {
    throw new V2ReturnFailure(
      V2_RETURN_MSG.XML_FORMAT_ERROR,
      'XML_FORMAT_ERROR',
      `the body is ${body.length} bytes; at most ${MAX_REQUEST_BYTES} are read`,
    );
  }
  try {
    utf8.decode(body);
  } catch {
    throw new V2ReturnFailure(
      V2_RETURN_MSG.NOT_UTF8,
      'NOT_UTF8',
      'the body is not valid UTF-8 (GBK? send UTF-8 and say charset=utf-8)',
    );
  }
  try {
    return parseV2Xml(body, { maxBytes: MAX_REQUEST_BYTES });
  } catch (error) {
    if (!(error instanceof WechatPayFormatError)) throw error;
    throw new V2ReturnFailure(V2_RETURN_MSG.XML_FORMAT_ERROR, 'XML_FORMAT_ERROR', error.message);
  }
}

/**
 * Checks the sign with the key and type the request declares. `shorturl` is WeChat's one quirk: its
 * `long_url` travels URL-encoded but is signed decoded, so a mismatch is retried on the decoded form.
 */
function verifySign(fields: Record<string, string>, signKey: string, sandbox: boolean): V2SignType {
  try {
    return v2Verify(fields, signKey);
  } catch (error) {
    if (!(error instanceof WechatPaySignatureError)) throw error;
    if (error.reason === 'unsupported-sign-type') {
      throw new V2ReturnFailure(
        'sign_type参数格式错误',
        'PARAM_ERROR',
        'sign_type must be MD5 or HMAC-SHA256',
      );
    }
    const decoded = decodedLongUrl(fields.long_url);
    if (decoded !== undefined) {
      try {
        return v2Verify({ ...fields, long_url: decoded }, signKey);
      } catch {
        // fall through to the original mismatch, which names the fields as sent
      }
    }
    // The expected sign stays out of the hint: the simulator must not sign any message it is shown.
    const { signType, signedString } = error.detail as { signType?: string; signedString?: string };
    const which = sandbox ? 'the sandbox key from /sandboxnew/pay/getsignkey' : "the merchant's API v2 key";
    throw new V2ReturnFailure(
      V2_RETURN_MSG.SIGNERROR,
      'SIGNERROR',
      signedString
        ? `${signType} sign mismatch over "${signedString}" - this endpoint verifies with ${which}; check the key, the sign_type and that both sides signed the same fields`
        : `${error.message} - this endpoint verifies with ${which}`,
    );
  }
}

function decodedLongUrl(value: string | undefined): string | undefined {
  if (!value?.includes('%')) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function sendXml(reply: FastifyReply, xml: string): FastifyReply {
  return reply.type('text/xml; charset=utf-8').send(xml);
}
