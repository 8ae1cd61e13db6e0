/**
 * InfluxDB line protocol (pure): escaping per the spec, integer fields with the `i` suffix (sum() fails on
 * booleans in InfluxQL, so flags are 0/1 integers), floats as shortest round-trip decimals, ms precision.
 */

export type FieldValue = { kind: 'float'; value: number } | { kind: 'int'; value: number } | { kind: 'string'; value: string };

export interface Point {
  measurement: string;
  /** Keys sorted on output (InfluxDB's preferred order); empty values are left out (not allowed). */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Epoch milliseconds. */
  timeMs: number;
}

export const float = (value: number): FieldValue => ({ kind: 'float', value });
export const int = (value: number): FieldValue => ({ kind: 'int', value: Math.trunc(value) });
export const str = (value: string): FieldValue => ({ kind: 'string', value });

const escapeMeasurement = (s: string): string => s.replace(/[\\, \n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const escapeKey = (s: string): string => s.replace(/[\\,= \n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const escapeString = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

function formatField(v: FieldValue): string | null {
  if (v.kind === 'string') return `"${escapeString(v.value)}"`;
  if (!Number.isFinite(v.value)) return null;
  if (v.kind === 'int') return `${v.value}i`;
  return String(v.value);
}

/** One line, or null when the point has no writable field (a line needs at least one). */
export function formatPoint(p: Point): string | null {
  const fields = Object.keys(p.fields)
    .sort()
    .flatMap((k) => {
      const f = formatField(p.fields[k] as FieldValue);
      return f === null ? [] : [`${escapeKey(k)}=${f}`];
    });
  if (fields.length === 0 || p.measurement === '') return null;
  const tags = Object.keys(p.tags)
    .filter((k) => p.tags[k] !== '' && k !== '')
    .sort()
    .map((k) => `,${escapeKey(k)}=${escapeKey(p.tags[k] as string)}`)
    .join('');
  return `${escapeMeasurement(p.measurement)}${tags} ${fields.join(',')} ${Math.round(p.timeMs)}`;
}
