/** Enrolment passwords and Mosquitto `$7$` lines (the real Mosquitto accepts them: test/integration/bin/credentials.test.ts). */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrolmentPassword, mosquittoPasswdLine } from '../../../collector/enrolment.js';

describe('enrolment', () => {
  it('derives base64url(HMAC-SHA256(secret, agent id))', () => {
    const expected = createHmac('sha256', 'secret-0123456789abcdef').update('web-1').digest('base64url');
    expect(enrolmentPassword('secret-0123456789abcdef', 'web-1')).toBe(expected);
    expect(enrolmentPassword('secret-0123456789abcdef', 'web-1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(enrolmentPassword('secret-0123456789abcdef', 'web-2')).not.toBe(expected);
  });

  it('writes mosquitto_passwd $7$ lines (PBKDF2-SHA512, 101 iterations, 12-byte salt)', () => {
    const salt = Buffer.alloc(12, 1);
    const line = mosquittoPasswdLine('web-1', 'pw', salt);
    const [user, hash] = line.split(':');
    expect(user).toBe('web-1');
    const [, seven, iterations, saltB64, digest] = (hash ?? '').split('$');
    expect([seven, iterations, saltB64]).toEqual(['7', '101', salt.toString('base64')]);
    expect(digest).toBe(pbkdf2Sync('pw', salt, 101, 64, 'sha512').toString('base64'));
  });
});
