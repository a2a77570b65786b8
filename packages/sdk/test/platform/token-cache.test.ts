import { describe, expect, it } from 'vitest';
import { MemoryTokenCache } from '../../src/platform/token-cache.js';
import { ManualClock } from './support/platform-fixture.js';

describe('MemoryTokenCache', () => {
  it('stores copies, so callers cannot mutate the cached entry', async () => {
    const cache = new MemoryTokenCache();
    const token = { value: 'T1', expiresAt: 1000 };
    await cache.set('k', token);
    token.value = 'changed';
    const read = await cache.get('k');
    read!.value = 'changed again';
    expect(await cache.get('k')).toEqual({ value: 'T1', expiresAt: 1000 });
    expect(await cache.get('other')).toBeUndefined();
  });

  it('deletes only while the entry still holds the given value', async () => {
    const cache = new MemoryTokenCache();
    await cache.set('k', { value: 'T2', expiresAt: 1000 });
    expect(await cache.delete('k', 'T1')).toBe(false);
    expect(await cache.get('k')).toBeDefined();
    expect(await cache.delete('k', 'T2')).toBe(true);
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', { value: 'T3', expiresAt: 1000 });
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.delete('k')).toBe(false);
  });

  it('grants a lock to one holder at a time and frees it on release', async () => {
    const cache = new MemoryTokenCache();
    const release = await cache.lock('k', 10_000);
    expect(release).toBeTypeOf('function');
    expect(await cache.lock('k', 10_000)).toBeUndefined();
    expect(await cache.lock('other', 10_000)).toBeTypeOf('function');
    await release!();
    expect(await cache.lock('k', 10_000)).toBeTypeOf('function');
  });

  it('lets a lock lapse after its ttl, and a stale release does not free the new holder’s lock', async () => {
    const clock = new ManualClock();
    const cache = new MemoryTokenCache({ now: clock.now });
    const stale = await cache.lock('k', 1000);
    clock.advance(999);
    expect(await cache.lock('k', 1000)).toBeUndefined();
    clock.advance(1);
    const fresh = await cache.lock('k', 1000);
    expect(fresh).toBeTypeOf('function');
    await stale!();
    expect(await cache.lock('k', 1000)).toBeUndefined();
    await fresh!();
    expect(await cache.lock('k', 1000)).toBeTypeOf('function');
  });
});
