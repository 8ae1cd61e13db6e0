/**
 * One SQLite value into one PostgreSQL column. SQLite keeps whatever it is given (a text in an INTEGER column, a
 * fraction in an integer one); PostgreSQL's BIGINT / DOUBLE PRECISION / TEXT are strict. A value converts when it
 * means the same thing in the target type (7.0 → 7, '42' → 42), otherwise the conversion names why it cannot: the
 * caller stops the run with the table, the row's key and the column. Pure; no I/O.
 */

/** What a target column accepts, from its PostgreSQL type. */
export type ColumnKind = 'int8' | 'int4' | 'int2' | 'float' | 'text';

/** A value as better-sqlite3 returns it with safeIntegers (integers exact, as bigint). */
export type SourceValue = bigint | number | string | Buffer | null;

/** A value node-postgres can send inside a typed array (numbers and texts; null is NULL). */
export type TargetValue = number | string | null;

export type Conversion = { ok: true; value: TargetValue } | { ok: false; problem: string };

const PG_KINDS: Readonly<Record<string, ColumnKind>> = {
  bigint: 'int8',
  integer: 'int4',
  smallint: 'int2',
  'double precision': 'float',
  real: 'float',
  text: 'text',
  'character varying': 'text',
};

/** The kind of a PostgreSQL `information_schema.columns.data_type`, or null when this tool does not copy into it. */
export function columnKind(dataType: string): ColumnKind | null {
  return PG_KINDS[dataType] ?? null;
}

const INT_RANGE: Readonly<Record<'int8' | 'int4' | 'int2', { min: bigint; max: bigint; why: string }>> = {
  // The collector reads BIGINT as a JS number and refuses what it cannot hold exactly (collector/store/sql/connect.ts).
  int8: { min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER), why: 'beyond ±2^53 − 1, the largest integer the collector reads exactly' },
  int4: { min: -2147483648n, max: 2147483647n, why: 'out of range for integer' },
  int2: { min: -32768n, max: 32767n, why: 'out of range for smallint' },
};

/** A short, printable rendering of a source value for an error message. */
export function showValue(value: SourceValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'bigint') return `integer ${value}`;
  if (typeof value === 'number') return `real ${value}`;
  if (Buffer.isBuffer(value)) return `blob of ${value.length} bytes`;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `text ${JSON.stringify(shown)}`;
}

function toInteger(value: SourceValue): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : null;
  if (typeof value === 'string' && /^[+-]?\d{1,20}$/.test(value.trim())) return BigInt(value.trim());
  return null;
}

function toFloat(value: SourceValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  // A decimal number written as text (SQLite's REAL affinity converts those itself; this covers typeless columns).
  if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

export function convertValue(value: SourceValue, kind: ColumnKind, nullable: boolean): Conversion {
  if (value === null) return nullable ? { ok: true, value: null } : { ok: false, problem: 'NULL in a NOT NULL column' };
  if (Buffer.isBuffer(value)) return { ok: false, problem: `${showValue(value)} cannot go into a ${kind === 'text' ? 'text' : 'numeric'} column` };
  switch (kind) {
    case 'int8':
    case 'int4':
    case 'int2': {
      const n = toInteger(value);
      if (n === null) return { ok: false, problem: `${showValue(value)} is not an integer` };
      const range = INT_RANGE[kind];
      if (n < range.min || n > range.max) return { ok: false, problem: `${showValue(value)} is ${range.why}` };
      return { ok: true, value: Number(n) };
    }
    case 'float': {
      const f = toFloat(value);
      if (f === null || Number.isNaN(f)) return { ok: false, problem: `${showValue(value)} is not a number` };
      return { ok: true, value: f };
    }
    case 'text': {
      const s = typeof value === 'string' ? value : String(value);
      if (s.includes('\u0000')) return { ok: false, problem: `${showValue(value)} contains a NUL character, which PostgreSQL text cannot hold` };
      return { ok: true, value: s };
    }
  }
}
