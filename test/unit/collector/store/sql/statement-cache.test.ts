import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CACHED_SQL_MAX_CHARS, withStatementCache } from '../../../../../collector/store/sql/statement-cache.js';

function fresh() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (n INTEGER)');
  for (let n = 1; n <= 5; n++) db.prepare('INSERT INTO t VALUES (?)').run(n);
  return db;
}

describe('prepared statements reused by SQL text', () => {
  it('the same text gives the same statement; its results are the current ones', () => {
    const db = fresh();
    const cached = withStatementCache(db);
    const first = cached.prepare('SELECT count(*) AS c FROM t');
    expect(cached.prepare('SELECT count(*) AS c FROM t')).toBe(first);
    db.prepare('INSERT INTO t VALUES (6)').run();
    expect(cached.prepare('SELECT count(*) AS c FROM t').all([])).toEqual([{ c: 6 }]);
  });

  it('a statement still iterating is not handed out again: that query gets its own', () => {
    const cached = withStatementCache(fresh());
    const text = 'SELECT n FROM t ORDER BY n';
    const iterating = cached.prepare(text).iterate([]);
    expect(iterating.next().value).toEqual({ n: 1 });
    const other = cached.prepare(text);
    expect(other.all([])).toHaveLength(5);
    expect([...iterating]).toHaveLength(4);
  });

  it('keeps at most `size` texts, dropping the least recently used', () => {
    const cached = withStatementCache(fresh(), 2);
    const a = cached.prepare('SELECT 1');
    const b = cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 1')).toBe(a); // now most recent
    cached.prepare('SELECT 3'); // evicts SELECT 2
    expect(cached.prepare('SELECT 1')).toBe(a);
    expect(cached.prepare('SELECT 2')).not.toBe(b);
  });

  it('long texts (multi-row statements, one text per row count) are prepared each time, not kept', () => {
    const cached = withStatementCache(fresh());
    const long = `SELECT n FROM t WHERE n IN (${Array.from({ length: 800 }, (_, i) => i).join(', ')})`;
    expect(long.length).toBeGreaterThan(CACHED_SQL_MAX_CHARS);
    expect(cached.prepare(long)).not.toBe(cached.prepare(long));
    expect(cached.prepare(long).all([])).toHaveLength(5);
  });

  it('survives a schema change (SQLite re-prepares the statement)', () => {
    const db = fresh();
    const cached = withStatementCache(db);
    expect(cached.prepare('SELECT * FROM t LIMIT 1').all([])).toEqual([{ n: 1 }]);
    db.exec('ALTER TABLE t ADD COLUMN m INTEGER DEFAULT 0');
    expect(cached.prepare('SELECT n FROM t LIMIT 1').all([])).toEqual([{ n: 1 }]);
    expect(cached.prepare('SELECT count(*) AS c FROM t').all([])).toEqual([{ c: 5 }]);
  });
});
