/**
 * Console passwords: `scrypt$N$r$p$<salt b64>$<hash b64>` lines made with node:crypto's scrypt (what
 * `outpost user hash` prints and `api.users[].password_hash` holds). Verification is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const DEFAULTS = { N: 16_384, r: 8, p: 1 } as const;

export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
export const PASSWORD_HASH_FORMAT = 'scrypt$N$r$p$salt$hash (made by `outpost user hash`)';

function derive(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** One scrypt line for this password (random 16-byte salt). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEY_LENGTH, DEFAULTS);
  return `scrypt$${DEFAULTS.N}$${DEFAULTS.r}$${DEFAULTS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when the password matches the line; false for a wrong password or a malformed line. */
export async function verifyPassword(line: string, password: string): Promise<boolean> {
  const m = PASSWORD_HASH_PATTERN.exec(line);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length < 16 || N > 1 << 20 || r > 32 || p > 16) return false;
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: login attempts for unknown names spend the same time as for known ones. */
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
