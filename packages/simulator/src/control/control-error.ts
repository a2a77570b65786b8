import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SimError } from '../engine/sim-error.js';

/**
 * A refusal of the control API. The control API talks to a developer (or a test), not to a
 * WeChat Pay client, so its errors are plain `{error, message}` JSON with an honest HTTP status
 * instead of imitating WeChat's formats.
 */
export class ControlError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
    this.code = code;
  }
}

/** 400: the request itself is wrong (a missing field, a value of the wrong kind). */
export function badRequest(message: string): ControlError {
  return new ControlError(400, 'BAD_REQUEST', message);
}

/** 404 naming what was looked for, so a typo in an id is obvious. */
export function notFound(what: string): ControlError {
  return new ControlError(404, 'NOT_FOUND', `${what} not found`);
}

/**
 * The error handler of the `/_sim/` scope. A {@link SimError} — WeChat Pay's own refusal, such as
 * paying a closed order — becomes 409 with its code, because the request was well-formed but the
 * simulated world does not allow it.
 */
export function replyControlError(
  error: FastifyError | Error,
  _request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof ControlError) {
    return reply.code(error.status).send({ error: error.code, message: error.message });
  }
  if (error instanceof SimError) {
    return reply.code(409).send({ error: error.code, message: error.message });
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply
      .code(status)
      .send({ error: (error as FastifyError).code ?? 'BAD_REQUEST', message: error.message });
  }
  reply.log.error(error);
  return reply.code(500).send({ error: 'INTERNAL', message: `simulator bug: ${error.message}` });
}
