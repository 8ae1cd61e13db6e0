/** SQLite's loose values into PostgreSQL's strict columns: what converts, and how a refusal reads. */
import { describe, expect, it } from 'vitest';
import { columnKind, convertValue } from '../../../../../collector/store/migrate-store/convert.js';

describe('convertValue', () => {
  it('integers: exact, from integral reals and integer texts; refuses fractions, words, blobs and what the collector cannot read exactly', () => {
    expect(convertValue(1796423828492n, 'int8', false)).toEqual({ ok: true, value: 1796423828492 });
    expect(convertValue(7, 'int8', false)).toEqual({ ok: true, value: 7 });
    expect(convertValue(' 42', 'int8', false)).toEqual({ ok: true, value: 42 });
    expect(convertValue(1.5, 'int8', false)).toEqual({ ok: false, problem: 'real 1.5 is not an integer' });
    expect(convertValue('yesterday', 'int8', false)).toEqual({ ok: false, problem: 'text "yesterday" is not an integer' });
    expect(convertValue(Buffer.from('ab'), 'int8', true)).toEqual({ ok: false, problem: 'blob of 2 bytes cannot go into a numeric column' });
    expect(convertValue(9007199254740993n, 'int8', false)).toEqual({ ok: false, problem: 'integer 9007199254740993 is beyond ±2^53 − 1, the largest integer the collector reads exactly' });
    expect(convertValue(2147483648n, 'int4', false)).toEqual({ ok: false, problem: 'integer 2147483648 is out of range for integer' });
  });

  it('doubles: reals, integers and decimal texts; refuses words', () => {
    expect(convertValue(30.5, 'float', false)).toEqual({ ok: true, value: 30.5 });
    expect(convertValue(60n, 'float', false)).toEqual({ ok: true, value: 60 });
    expect(convertValue('1e3', 'float', false)).toEqual({ ok: true, value: 1000 });
    expect(convertValue('fast', 'float', false)).toEqual({ ok: false, problem: 'text "fast" is not a number' });
  });

  it('texts: kept as they are (numbers as SQLite writes them); NUL and blobs refused; long values shortened in the message', () => {
    expect(convertValue('磁盘使用率 97%', 'text', false)).toEqual({ ok: true, value: '磁盘使用率 97%' });
    expect(convertValue(12n, 'text', false)).toEqual({ ok: true, value: '12' });
    expect(convertValue('a\u0000b', 'text', false)).toEqual({ ok: false, problem: 'text "a\\u0000b" contains a NUL character, which PostgreSQL text cannot hold' });
    expect(convertValue(`${'x'.repeat(50)}\u0000`, 'text', false)).toMatchObject({ ok: false, problem: expect.stringContaining(`"${'x'.repeat(40)}…"`) });
  });

  it('NULL only where the column allows it', () => {
    expect(convertValue(null, 'int8', true)).toEqual({ ok: true, value: null });
    expect(convertValue(null, 'text', false)).toEqual({ ok: false, problem: 'NULL in a NOT NULL column' });
  });

  it('knows the PostgreSQL types the schema uses, and no others', () => {
    expect(['bigint', 'double precision', 'text', 'integer'].map(columnKind)).toEqual(['int8', 'float', 'text', 'int4']);
    expect(columnKind('jsonb')).toBeNull();
  });
});
