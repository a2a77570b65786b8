import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRateLimiter } from './client-rate-limiter.js';

/**
 * An `onRequest` hook counting each request against `limiter` by client (`request.ip`, which
 * follows `trustProxy`); over the limit it answers 429 with `Retry-After` before any work is done.
 */
export function rateLimitHook(limiter: ClientRateLimiter, what: string, onLimited?: () => void) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = limiter.hit(request.ip);
    if (wait === undefined) return;
    onLimited?.();
    await reply
      .status(429)
      .header('Retry-After', String(wait))
      .send({ error: 'TOO_MANY_REQUESTS', message: `too many ${what}; retry in ${wait} s` });
  };
}
