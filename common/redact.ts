/**
 * Secrets inside text: credentials in URLs (`scheme://user:password@host`), secret query parameters
 * (`access_token=`, `key=`, `token=`, `secret=`, `password=`, `sign=` ...) and webhook path tokens (`/hook/<token>`,
 * as Feishu/Lark and Slack-style robots use). The logger applies it to every string of every log line.
 */

export const REDACTED = '[redacted]';

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@?#]+)@/gi;
const SECRET_QUERY = /([?&;](?:access_token|accesstoken|token|key|p|api_key|apikey|secret|password|passwd|pwd|sign|signature|sig|auth|authorization|credential|credentials)=)([^&#\s"']+)/gi;
const HOOK_PATH = /(\/hooks?\/)([A-Za-z0-9_-]{8,})/g;

/** The text with every secret this module knows how to spot replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  if (!text.includes('://') && !text.includes('=') && !text.includes('/hook')) return text;
  return text
    .replace(USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(SECRET_QUERY, (_m, name: string) => `${name}${REDACTED}`)
    .replace(HOOK_PATH, (_m, prefix: string) => `${prefix}${REDACTED}`);
}

/** A copy of a log object with every string redacted (Errors are copied with their class, message and stack redacted). */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    // A copy of the same class, so the logger's error serialiser still names its type.
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error & Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) copy[k] = redactDeep(v, depth + 1, seen);
    Object.defineProperty(copy, 'message', { value: redactSecrets(value.message), enumerable: false, writable: true, configurable: true });
    if (value.stack) Object.defineProperty(copy, 'stack', { value: redactSecrets(value.stack), enumerable: false, writable: true, configurable: true });
    if (value.cause !== undefined) Object.defineProperty(copy, 'cause', { value: redactDeep(value.cause, depth + 1, seen), enumerable: false, writable: true, configurable: true });
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // Class instances (URL, Date, Map ...): their string form, redacted, unless they serialise themselves.
    if (value instanceof Date) return value;
    if (value instanceof URL) return redactSecrets(value.href);
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1, seen);
  return out;
}
