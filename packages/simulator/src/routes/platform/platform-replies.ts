import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import { markApiCall } from '../api-call-recorder.js';
import { PLATFORM_ERRMSG, PlatformRefusal } from './platform-refusal.js';

/** WeChat's platform answers carry this exact content type. */
const JSON_TYPE = 'application/json; encoding=utf-8';

/** Replies read the clock (for the request id) and the API fault plans. */
export type PlatformRepliesDeps = Pick<SimContext, 'clock' | 'faults'>;

/**
 * How the simulated platform answers: JSON in WeChat's shape, refusals as `{errcode, errmsg}` with a
 * request id, and the injected faults (`platform.<api>`) that make a reliability test meet a busy,
 * broken, slow or silent WeChat. Requests held by `NO_ANSWER` are dropped when the simulator closes.
 */
export class PlatformReplies {
  readonly #ctx: PlatformRepliesDeps;
  readonly #held = new Set<Socket>();

  constructor(app: FastifyInstance, ctx: PlatformRepliesDeps) {
    this.#ctx = ctx;
    app.addHook('preClose', (done) => {
      for (const socket of this.#held) socket.destroy();
      this.#held.clear();
      done();
    });
  }

  /**
   * A JSON endpoint named `api` for fault injection: `handle` returns the answer or throws a
   * {@link PlatformRefusal}; anything else thrown is a simulator bug and becomes Fastify's 500.
   */
  handler(api: string, handle: (request: FastifyRequest) => object): RouteHandlerMethod {
    return async (request, reply) => {
      if (await this.fault(api, reply)) return reply;
      try {
        return this.json(reply, handle(request));
      } catch (err) {
        if (err instanceof PlatformRefusal) return this.refusal(reply, err);
        throw err;
      }
    };
  }

  json(reply: FastifyReply, body: object): FastifyReply {
    // Bytes, not a string: Fastify would rewrite WeChat's content type of a string payload.
    return reply
      .code(200)
      .header('content-type', JSON_TYPE)
      .send(Buffer.from(JSON.stringify(body)));
  }

  /** `{errcode, errmsg}` as WeChat words it, the hint inside `hint: [...]`, then ` rid: …`. */
  refusal(reply: FastifyReply, refusal: PlatformRefusal): FastifyReply {
    const hint = refusal.hint ? ` hint: [${refusal.hint}]` : '';
    return this.json(reply, {
      errcode: refusal.errcode,
      errmsg: `${refusal.message}${hint} rid: ${this.rid()}`,
    });
  }

  /** WeChat's request id: the time in hex, then two random parts. */
  rid(): string {
    const seconds = Math.floor(this.#ctx.clock.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
  }

  /**
   * Applies the fault injected for `api`, if any. True when the fault has answered (or will never
   * answer) and the route must stop; `SLOW` only waits (real time: it is about client timeouts).
   * `page` answers a system error as an HTML page, for the browser-facing OAuth endpoint.
   */
  async fault(
    api: string,
    reply: FastifyReply,
    page?: (errcode: number, message: string) => string,
  ): Promise<boolean> {
    const rule = this.#ctx.faults.apiFault(api);
    markApiCall(reply.request.raw, api, rule?.kind);
    if (!rule) return false;
    switch (rule.kind) {
      case 'SLOW':
        await new Promise((resolve) => setTimeout(resolve, rule.delayMs ?? 3000));
        return false;
      case 'SYSTEMERROR':
      case 'BANKERROR':
        if (page) reply.code(200).type('text/html; charset=utf-8').send(page(-1, '系统繁忙，请稍后再试'));
        else this.refusal(reply, new PlatformRefusal(-1, `fault injected for ${api}`, PLATFORM_ERRMSG[-1]));
        return true;
      case 'HTTP_500':
      case 'HTTP_503': {
        const status = rule.kind === 'HTTP_500' ? 500 : 503;
        const title = status === 500 ? '500 Internal Server Error' : '503 Service Temporarily Unavailable';
        reply
          .code(status)
          .type('text/html')
          .send(
            `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`,
          );
        return true;
      }
      case 'NO_ANSWER': {
        reply.hijack();
        const socket = reply.raw.socket;
        if (socket) {
          this.#held.add(socket);
          socket.once('close', () => this.#held.delete(socket));
        }
        return true;
      }
    }
  }
}
