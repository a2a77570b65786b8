import { describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/config/abuse-limits-config.js';
import { ClientRateLimiter } from '../../src/http/client-rate-limiter.js';

describe('ClientRateLimiter', () => {
  it('allows max events per window, then says how long to wait, and starts over after the window', () => {
    let now = 1_000_000;
    const limiter = new ClientRateLimiter({ max: 2, windowMs: 10_000 }, { now: () => now });
    expect(limiter.hit('a')).toBeUndefined();
    expect(limiter.retryAfter('a')).toBeUndefined();
    expect(limiter.hit('a')).toBeUndefined();
    expect(limiter.retryAfter('a')).toBe(10);
    now += 4_500;
    expect(limiter.hit('a')).toBe(6);
    expect(limiter.hit('b')).toBeUndefined();
    now += 5_500;
    expect(limiter.retryAfter('a')).toBeUndefined();
    expect(limiter.hit('a')).toBeUndefined();
  });

  it('keeps at most maxClients windows, dropping expired ones first, then the oldest', () => {
    let now = 0;
    const limiter = new ClientRateLimiter({ max: 1, windowMs: 1000 }, { maxClients: 3, now: () => now });
    limiter.hit('old');
    now = 600;
    limiter.hit('b');
    limiter.hit('b');
    limiter.hit('c');
    now = 1200; // 'old' has expired, 'b' and 'c' have not
    limiter.hit('d');
    expect(limiter.size).toBe(3);
    expect(limiter.retryAfter('b')).toBe(1);
    for (let i = 0; i < 1000; i++) limiter.hit(`flood-${i}`);
    expect(limiter.size).toBe(3);
    expect(limiter.retryAfter('b')).toBeUndefined();
  });

  it('max 0 is off', () => {
    const limiter = new ClientRateLimiter({ max: 0, windowMs: 1000 });
    for (let i = 0; i < 100; i++) expect(limiter.hit('a')).toBeUndefined();
    expect(limiter.size).toBe(0);
  });

  it('reads COUNT/PERIOD settings', () => {
    expect(parseRateLimit('60/1m')).toEqual({ max: 60, windowMs: 60_000 });
    expect(parseRateLimit('10/15m')).toEqual({ max: 10, windowMs: 900_000 });
    expect(parseRateLimit('5/30s')).toEqual({ max: 5, windowMs: 30_000 });
    expect(parseRateLimit('off')).toEqual({ max: 0, windowMs: 60_000 });
    for (const bad of ['60', '60/m', '-1/1m', '1/0m', '1.5/1m', '60/1d'])
      expect(parseRateLimit(bad)).toBeUndefined();
  });
});
