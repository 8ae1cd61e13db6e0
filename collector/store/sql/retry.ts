/**
 * Retrying a unit of work PostgreSQL aborted because two transactions met: deadlock (SQLSTATE 40P01) or
 * serialization failure (40001). The whole unit reruns (its transaction rolled back); callers reset their caches.
 */

/** SQLSTATE of an error from node-postgres (its `code`), or null. */
export function sqlStateOf(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

export function isRetryableSqlError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === '40P01' || state === '40001';
}

export interface RetryOptions {
  /** Runs in all (default 5). */
  attempts?: number;
  /** Default: `isRetryableSqlError`. */
  isRetryable?: (error: unknown) => boolean;
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const isRetryable = options.isRetryable ?? isRetryableSqlError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
    }
  }
}
