import { randomUUID } from 'node:crypto';
import { signV3Response } from '@wechatpay-kit/sdk/testing';
import type { FastifyReply } from 'fastify';
import { type ProbeSwitchDeps, takeProbeSignature } from './v3-probe-switch.js';

/** What a v3 handler answers: a status and, except for 204, a JSON body — or a file. */
export interface V3Answer {
  status: number;
  body?: unknown;
  /** Bill downloads: raw bytes, sent unsigned (the SHA-1 from the signed bill answer vouches for them). */
  file?: { bytes: Buffer; contentType: string };
}

/** What signing an answer reads: the merchant's keys (and the probe switch keyed by them). */
export type V3ResponderDeps = ProbeSwitchDeps;

/**
 * Sends a JSON answer signed the way WeChat Pay signs (`Wechatpay-*` headers over
 * `TIMESTAMP\nNONCE\nBODY\n`, real time) with the merchant's current key: platform
 * certificate or public-key-mode key. Errors and 204s are signed too. Without a known merchant
 * (unknown mchid, no Authorization) the answer goes unsigned, as WeChat cannot pick a key either.
 * Every answer carries a `Request-ID`, the handle WeChat's support asks for.
 */
export function sendV3Answer(
  reply: FastifyReply,
  ctx: V3ResponderDeps,
  mchid: string | undefined,
  answer: V3Answer,
): FastifyReply {
  reply.header('Request-ID', randomUUID());
  if (answer.file) return reply.code(answer.status).type(answer.file.contentType).send(answer.file.bytes);
  const text = answer.status === 204 || answer.body === undefined ? '' : JSON.stringify(answer.body);
  if (mchid !== undefined) {
    const signing = ctx.merchants.keys(mchid).v3Signing;
    // Real time, not the simulated clock: clients check Wechatpay-Timestamp against their own clock.
    const headers = signV3Response(text, { privateKey: signing.privateKey, serial: signing.serial });
    const probe = takeProbeSignature(ctx);
    if (probe) headers['Wechatpay-Signature'] = probe;
    reply.headers(headers);
  }
  reply.code(answer.status);
  if (answer.status === 204) return reply.send();
  return reply.type('application/json; charset=utf-8').send(text);
}
