import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An `onRequest` hook that lets through only `Authorization: Bearer <adminToken>`. Every back-office
 * route (admin API, refunds) registers it, so there is one place that decides who is an admin.
 */
export function adminAuthHook(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      await reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'UNAUTHORIZED', message: 'a valid admin token is required' });
    }
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
