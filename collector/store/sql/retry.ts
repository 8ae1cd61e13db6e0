/**
 * Retrying a unit of work that PostgreSQL aborted because it lost a race with another collector: a deadlock
 * (SQLSTATE 40P01) or a serialization failure (40001). Such an abort rolled everything back, so running the whole
 * unit again is safe — provided the caller resets whatever in-memory state rode along with it (see `onRetry`).
 * Any other error is not retried: it would fail the same way again.
 */
import type { Q } from './sql-helpers.js';
import type { SqlStore } from './connect.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** Which errors are worth another try (default: isRetryableSqlError). */
  isRetryable?(error: unknown): boolean;
  /** Called before each new try, with the error of the failed one (reset caches here). */
  onRetry?(error: unknown, attempt: number): void;
}

export const DEFAULT_RETRY_ATTEMPTS = 5;
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/** A PostgreSQL deadlock (40P01) or serialization failure (40001), as node-postgres reports it (`code`). */
export function isRetryableSqlError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

function isStore(value: unknown): value is SqlStore {
  return typeof value === 'object' && value !== null && typeof (value as { transaction?: unknown }).transaction === 'function';
}

/** Runs `fn`, again after a retryable failure, at most `attempts` times; the last error is thrown. */
export function withRetry<T>(fn: () => Promise<T>, opts?: RetryOptions): Promise<T>;
/** Runs `fn` in a transaction of `store`, a new transaction per try. */
export function withRetry<T>(store: SqlStore, fn: (trx: Q) => Promise<T>, opts?: RetryOptions): Promise<T>;
export async function withRetry<T>(
  first: (() => Promise<T>) | SqlStore,
  second?: ((trx: Q) => Promise<T>) | RetryOptions,
  third?: RetryOptions,
): Promise<T> {
  let unit: () => Promise<T>;
  let opts: RetryOptions;
  if (isStore(first)) {
    const work = second as (trx: Q) => Promise<T>;
    unit = () => first.transaction(work);
    opts = third ?? {};
  } else {
    unit = first;
    opts = (second as RetryOptions | undefined) ?? {};
  }
  const attempts = Math.max(1, opts.attempts ?? DEFAULT_RETRY_ATTEMPTS);
  const retryable = opts.isRetryable ?? isRetryableSqlError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await unit();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      opts.onRetry?.(error, attempt);
    }
  }
}
