import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * The merchant's own systems, recognised by `Authorization: Bearer <merchant API key>`. Only the
 * SHA-256 of each key is kept; a presented token is hashed and compared with every key in
 * constant time (equal lengths, no early exit), so timing tells nothing about any key. Keys are
 * never logged (`authorization` is redacted) and never appear in an answer.
 */
export class MerchantApiKeys {
  readonly #digests: readonly { name: string; digest: Buffer }[];

  constructor(keys: readonly { name: string; key: string }[] = []) {
    this.#digests = keys.map(({ name, key }) => ({ name, digest: digest(key) }));
  }

  get configured(): boolean {
    return this.#digests.length > 0;
  }

  /** The name of the key the request carries, or `undefined` (none, or not a merchant key). */
  clientOf(request: FastifyRequest): string | undefined {
    const token = bearerToken(request);
    if (token === undefined || this.#digests.length === 0) return undefined;
    const presented = digest(token);
    let found: string | undefined;
    for (const { name, digest: expected } of this.#digests) {
      if (timingSafeEqual(presented, expected) && found === undefined) found = name;
    }
    return found;
  }
}

/** The bearer token of the request, if it has one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
