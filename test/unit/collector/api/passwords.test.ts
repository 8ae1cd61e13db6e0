/** Console passwords (scrypt lines) and the login limiter. */
import { describe, expect, it } from 'vitest';
import { hashPassword, PASSWORD_HASH_PATTERN, verifyPassword } from '../../../../collector/api/passwords.js';
import { createLoginLimiter } from '../../../../collector/api/sessions.js';

describe('password hashes', () => {
  it('a scrypt line verifies its password only; salts differ', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(PASSWORD_HASH_PATTERN);
    expect(a.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse')).toBe(true);
    expect(await verifyPassword(a, 'correct horse\n')).toBe(false);
    expect(await verifyPassword(a, 'Correct horse')).toBe(false);
  });

  it('a malformed or absurd line never verifies (and never throws)', async () => {
    expect(await verifyPassword('plain-text-password', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('scrypt$99999999$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'x')).toBe(false);
    expect(await verifyPassword('scrypt$16384$8$1$AAAA$AAAA', 'x')).toBe(false);
  });
});

describe('login limiter', () => {
  it('blocks a key after N failures within the window, for the rest of the window; success clears a name', () => {
    let now = 1_000_000;
    const limiter = createLoginLimiter({ maxFailures: 3, maxPerAddress: 5, windowMs: 60_000, now: () => now });
    const keys = ['addr:127.0.0.1', 'name:alice'];
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs(keys)).toBe(0);
      limiter.fail(keys);
      now += 1000;
    }
    expect(limiter.retryAfterMs(keys)).toBe(57_000);
    expect(limiter.retryAfterMs(['addr:127.0.0.1', 'name:bob'])).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterMs(keys)).toBe(0);
    limiter.fail(keys);
    limiter.succeed('name:alice');
    expect(limiter.retryAfterMs(['name:alice'])).toBe(0);
  });
});
