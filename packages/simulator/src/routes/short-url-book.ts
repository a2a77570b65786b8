import { createHash } from 'node:crypto';
import type { StateStore } from '../engine/state-store.js';

interface ShortUrl {
  short: string;
  long: string;
}

/**
 * `/tools/shorturl`'s book: `weixin://wxpay/s/…` codes and the long URLs they stand for, kept in the
 * state store so the phone page (any instance made over the same store) can expand a scanned short
 * code. The same long URL always gets the same code, as a retried call must.
 */
export class ShortUrlBook {
  readonly #urls;

  constructor(store: StateStore) {
    this.#urls = store.collection<ShortUrl>('shortUrls', (u) => u.short);
  }

  shorten(longUrl: string): string {
    const code = createHash('sha256').update(longUrl).digest('base64url').slice(0, 7);
    const short = `weixin://wxpay/s/${code}`;
    if (!this.#urls.get(short)) this.#urls.set({ short, long: longUrl });
    return short;
  }

  expand(shortUrl: string): string | undefined {
    return this.#urls.get(shortUrl)?.long;
  }
}
