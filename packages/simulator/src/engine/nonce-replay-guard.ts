/**
 * Remembers v3 request nonces inside the signature's validity window, so the same signed request
 * cannot be sent twice — what a replayed Authorization must run into.
 */
export class NonceReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;

  constructor(windowMs = 5 * 60_000) {
    this.#windowMs = windowMs;
  }

  /** False when `nonce` was already used by this merchant within the window. */
  accept(mchid: string, nonce: string, now: number): boolean {
    if (this.#seen.size > 10_000) this.#prune(now);
    const key = `${mchid}:${nonce}`;
    const seenAt = this.#seen.get(key);
    if (seenAt !== undefined && now - seenAt < this.#windowMs) return false;
    this.#seen.set(key, now);
    return true;
  }

  #prune(now: number): void {
    for (const [key, at] of this.#seen) if (now - at >= this.#windowMs) this.#seen.delete(key);
  }
}
