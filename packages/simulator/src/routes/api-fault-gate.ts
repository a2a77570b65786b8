import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiFaultRule } from '../engine/fault-injector.js';
import type { SimContext } from '../sim-context.js';
import { markApiCall } from './api-call-recorder.js';

/**
 * What the route must do after the gate: go on, answer its API's SYSTEMERROR or BANKERROR, or
 * nothing (answered).
 */
export type FaultGateOutcome = 'PROCEED' | 'SYSTEMERROR' | 'BANKERROR' | 'ANSWERED';

const DEFAULT_SLOW_MS = 3000;

/** The gate reads only the fault plans. */
export type ApiFaultGateDeps = Pick<SimContext, 'faults'>;

/**
 * Applies the control API's injected faults to one API call, the same way for every API family:
 * `SLOW` waits, then lets the call through; `HTTP_500` / `HTTP_503` answer like WeChat's gateway (a
 * small HTML page); `NO_ANSWER` keeps the connection open and silent until the client gives up.
 * `SYSTEMERROR` is only reported back, because each API words it differently (a signed v2 XML,
 * a v3 500 JSON). Held connections and pending delays are released when the server closes, so
 * `stop()` never waits on a fault.
 */
export class ApiFaultGate {
  readonly #ctx: ApiFaultGateDeps;
  readonly #held = new Set<Socket>();
  readonly #timers = new Map<NodeJS.Timeout, Socket>();
  /** Faults with `after`: applied once the call has taken effect (see {@link afterEffect}). */
  readonly #pending = new WeakMap<FastifyRequest, ApiFaultRule>();

  constructor(app: FastifyInstance, ctx: ApiFaultGateDeps) {
    this.#ctx = ctx;
    app.addHook('preClose', (done) => {
      for (const [timer, socket] of this.#timers) {
        clearTimeout(timer);
        socket.destroy();
      }
      for (const socket of this.#held) socket.destroy();
      this.#timers.clear();
      this.#held.clear();
      done();
    });
  }

  /** `api` is the name fault rules match on, e.g. `v2.unifiedorder`. */
  async pass(api: string, request: FastifyRequest, reply: FastifyReply): Promise<FaultGateOutcome> {
    const fault = this.#ctx.faults.apiFault(api);
    markApiCall(request.raw, api, fault?.kind);
    if (!fault) return 'PROCEED';
    if (fault.after) {
      this.#pending.set(request, fault);
      return 'PROCEED';
    }
    return this.#apply(fault, request, reply);
  }

  /**
   * Called by the route once the handler has run: a fault marked `after` now replaces the answer,
   * so the change it made stands while the caller learns nothing of it.
   */
  async afterEffect(request: FastifyRequest, reply: FastifyReply): Promise<FaultGateOutcome> {
    const fault = this.#pending.get(request);
    if (!fault) return 'PROCEED';
    this.#pending.delete(request);
    return this.#apply(fault, request, reply);
  }

  async #apply(fault: ApiFaultRule, request: FastifyRequest, reply: FastifyReply): Promise<FaultGateOutcome> {
    const socket = request.raw.socket;
    switch (fault.kind) {
      case 'SYSTEMERROR':
      case 'BANKERROR':
        return fault.kind;
      case 'SLOW':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            resolve();
          }, fault.delayMs ?? DEFAULT_SLOW_MS);
          this.#timers.set(timer, socket);
        });
        return 'PROCEED';
      case 'HTTP_500':
      case 'HTTP_503': {
        const status = fault.kind === 'HTTP_500' ? 500 : 503;
        const text = status === 500 ? 'Internal Server Error' : 'Service Temporarily Unavailable';
        reply
          .code(status)
          .type('text/html; charset=utf-8')
          .header('x-sim-fault', fault.kind)
          .send(
            `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`,
          );
        return 'ANSWERED';
      }
      case 'NO_ANSWER':
        reply.hijack();
        this.#held.add(socket);
        socket.once('close', () => this.#held.delete(socket));
        return 'ANSWERED';
    }
  }
}
