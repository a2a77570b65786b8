import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/adapters/persistence/index.js';

const SECRET = 'whsec_box_test_0123456789abcdefghijklmnop';

describe('SecretBox: webhook secrets at rest', () => {
  it('with a key, stores a secret encrypted (a fresh IV each time) and reads it back', () => {
    const box = new SecretBox('k'.repeat(32));
    const sealed = box.seal(SECRET);
    expect(sealed).toMatch(/^aes256gcm:/);
    expect(sealed).not.toContain(SECRET.slice(6));
    expect(box.seal(SECRET)).not.toBe(sealed);
    expect(box.open(sealed)).toBe(SECRET);
  });

  it('without a key stores it marked plain; a key set later still reads it', () => {
    const plain = new SecretBox().seal(SECRET);
    expect(plain).toBe(`plain:${SECRET}`);
    expect(new SecretBox('k'.repeat(32)).open(plain)).toBe(SECRET);
  });

  it('a missing or other key is refused in words that name no secret', () => {
    const sealed = new SecretBox('k'.repeat(32)).seal(SECRET);
    expect(() => new SecretBox().open(sealed)).toThrow(/WEBHOOK_ENCRYPTION_KEY is not set/);
    expect(() => new SecretBox('o'.repeat(32)).open(sealed)).toThrow(/not the one it was stored with/);
    expect(() => new SecretBox('o'.repeat(32)).open(`${sealed.slice(0, -4)}AAAA`)).toThrow();
  });
});
