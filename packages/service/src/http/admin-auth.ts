import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRateLimiter } from './client-rate-limiter.js';

/**
 * An `onRequest` hook that lets through only `Authorization: Bearer <token>`: the token-protected
 * `/metrics`. (Back-office routes go through `admin-guard.ts`, which also knows admin users.) With `failures`, a client that failed too often is answered 429 with
 * `Retry-After` before its token is even looked at — so guessing cannot go on, and a right guess
 * during the wait is no different from a wrong one.
 */
export function adminAuthHook(token: string, failures?: ClientRateLimiter) {
  const expected = tokenDigest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = failures?.retryAfter(request.ip);
    if (wait !== undefined) {
      await reply
        .status(429)
        .header('Retry-After', String(wait))
        .send({ error: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins; retry in ${wait} s` });
      return;
    }
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    if (!match || !timingSafeEqual(tokenDigest(match[1]!.trim()), expected)) {
      // Only a token that was tried and wrong is a guess; a request without one cannot succeed.
      if (match) failures?.hit(request.ip);
      await reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'UNAUTHORIZED', message: 'a valid token is required' });
    }
  };
}

/** SHA-256 of a secret, so two secrets compare in constant time whatever their lengths. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
