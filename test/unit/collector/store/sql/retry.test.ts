/** Retrying a unit of work PostgreSQL aborted as a deadlock (40P01) or serialization failure (40001) — and nothing else. */
import { describe, expect, it } from 'vitest';
import { isRetryableSqlError, withRetry } from '../../../../../collector/store/sql/retry.js';
import type { SqlStore } from '../../../../../collector/store/sql/connect.js';
import type { Q } from '../../../../../collector/store/sql/sql-helpers.js';

/** node-postgres reports the SQLSTATE as `code` on its DatabaseError. */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const deadlock = () => pgError('40P01', 'deadlock detected');

describe('isRetryableSqlError', () => {
  it('a deadlock or a serialization failure is retryable; anything else is not', () => {
    expect(isRetryableSqlError(deadlock())).toBe(true);
    expect(isRetryableSqlError(pgError('40001', 'could not serialize access due to concurrent update'))).toBe(true);
    expect(isRetryableSqlError(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isRetryableSqlError(pgError('SQLITE_BUSY', 'database is locked'))).toBe(false);
    expect(isRetryableSqlError(new Error('disk full'))).toBe(false);
    expect(isRetryableSqlError('40P01')).toBe(false);
    expect(isRetryableSqlError(null)).toBe(false);
  });
});

describe('withRetry', () => {
  it('runs again after a retryable failure, calling onRetry before each new try, and returns the result', async () => {
    let calls = 0;
    const retries: Array<[string, number]> = [];
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw deadlock();
        return 'committed';
      },
      { attempts: 5, onRetry: (error, attempt) => retries.push([(error as Error).message, attempt]) },
    );
    expect(result).toBe('committed');
    expect(calls).toBe(3);
    expect(retries).toEqual([
      ['deadlock detected', 1],
      ['deadlock detected', 2],
    ]);
  });

  it('gives up after `attempts` tries with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw pgError('40P01', `deadlock ${calls}`);
      }, { attempts: 3 }),
    ).rejects.toThrow('deadlock 3');
    expect(calls).toBe(3);
  });

  it('never retries an error that is not retryable (it would fail the same way again)', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error('CHECK constraint failed');
      }),
    ).rejects.toThrow('CHECK constraint failed');
    expect(calls).toBe(1);
  });

  it('isRetryable decides which errors are retried', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls === 1) throw new Error('transient');
        return calls;
      },
      { isRetryable: (e) => (e as Error).message === 'transient' },
    );
    expect(result).toBe(2);
  });

  it('with a store: a new transaction per try', async () => {
    const handles: string[] = [];
    let n = 0;
    const store = {
      transaction: async <T>(fn: (trx: Q) => Promise<T>): Promise<T> => fn(`trx${++n}` as unknown as Q),
    } as unknown as SqlStore;
    const result = await withRetry(store, async (trx) => {
      handles.push(trx as unknown as string);
      if (handles.length === 1) throw deadlock();
      return 'done';
    });
    expect(result).toBe('done');
    expect(handles).toEqual(['trx1', 'trx2']);
  });
});
