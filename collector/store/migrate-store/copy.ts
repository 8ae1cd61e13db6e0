/**
 * Copies one table from the SQLite snapshot into the PostgreSQL transaction, in key order and in batches (memory
 * stays bounded by one batch however large the table). Every value is converted to its target column's type first;
 * the first one that cannot be stops the copy naming the table, the row's key and the column. A column referring
 * to its own table's key (incidents.parent_id) is inserted empty where it points forward and filled in after the
 * table, because a foreign key needs its parent row to exist already. `insert: false` converts and counts only.
 */
import type { Q } from '../sql/sql-helpers.js';
import { convertValue, showValue, type SourceValue, type TargetValue } from './convert.js';
import { MigrateStoreError, type SourceStore, type SourceTable } from './source.js';
import { fillReferences, insertColumns, type TargetColumn, type TargetTable } from './target.js';

export const DEFAULT_BATCH_ROWS = 5000;

export interface CopyOptions {
  insert: boolean;
  batchRows: number;
}

/** The printable key of a row: `id=3`, `(agent_id="web-1", check_id="cpu")`, or its position without a key. */
function describeKey(table: SourceTable, row: readonly SourceValue[], position: number): string {
  if (table.key.length === 1 && table.key[0] === 'rowid') return `row #${position}`;
  const parts = table.key.map((k) => {
    const value = row[table.columns.findIndex((c) => c.name === k)] ?? null;
    return `${k}=${typeof value === 'string' ? JSON.stringify(value) : value === null ? 'NULL' : typeof value === 'bigint' || typeof value === 'number' ? String(value) : showValue(value)}`;
  });
  return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(', ')})`;
}

export async function copyTable(q: Q, source: SourceStore, table: SourceTable, target: TargetTable, opts: CopyOptions): Promise<number> {
  const columns: TargetColumn[] = table.columns.map((c) => {
    const column = target.columns.get(c.name);
    if (!column) throw new MigrateStoreError(`column ${table.name}.${c.name} has no twin in the target`);
    return column;
  });
  const keyIndex = table.key.length === 1 ? table.columns.findIndex((c) => c.name === table.key[0]) : -1;
  const selfRefs = table.selfReferences.map((name) => ({ name, index: table.columns.findIndex((c) => c.name === name), keys: [] as number[], refs: [] as number[] }));
  let batch: TargetValue[][] = columns.map(() => []);
  let inBatch = 0;
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (inBatch === 0) return;
    if (opts.insert) {
      try {
        await insertColumns(q, table.name, columns, batch);
      } catch (error) {
        const detail = (error as { detail?: string }).detail;
        throw new MigrateStoreError(`copying table ${table.name} failed: ${error instanceof Error ? error.message : String(error)}${detail ? ` (${detail})` : ''}`);
      }
    }
    batch = columns.map(() => []);
    inBatch = 0;
  };
  for (const row of source.rows(table)) {
    copied++;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as TargetColumn;
      const converted = convertValue(row[i] ?? null, column.kind ?? 'text', column.nullable);
      if (!converted.ok) {
        throw new MigrateStoreError(`table ${table.name}, row ${describeKey(table, row, copied)}, column ${column.name}: ${converted.problem} (target type ${column.dataType})`);
      }
      (batch[i] as TargetValue[]).push(converted.value);
    }
    for (const ref of selfRefs) {
      const key = row[keyIndex];
      const value = (batch[ref.index] as TargetValue[])[inBatch];
      // Points at a row not copied yet: NULL now, filled in once the whole table is there.
      if (typeof value === 'number' && typeof key === 'bigint' && value > Number(key)) {
        ref.keys.push(Number(key));
        ref.refs.push(value);
        (batch[ref.index] as TargetValue[])[inBatch] = null;
      }
    }
    inBatch++;
    if (inBatch >= opts.batchRows) await flush();
  }
  await flush();
  const key = table.key[0];
  if (opts.insert && key !== undefined) {
    for (const ref of selfRefs) await fillReferences(q, table.name, key, ref.name, ref.keys, ref.refs);
  }
  return copied;
}
