/** Reads selected columns of a conceptual SNMP table into rows keyed by the row index (the OID suffix). */
import type { Varbind } from 'net-snmp';
import type { SnmpClient } from './session.js';

export type TableRows<C extends string> = Map<string, Partial<Record<C, Varbind>>>;

/** Columns walked at once per device: a few in flight keeps a WAN poll short without flooding small CPUs. */
const PARALLEL_COLUMNS = 4;

/**
 * Walks `entryOid.<column>` for each column (GETBULK per column) and groups the answers by row index.
 * `limit` bounds the rows read per column.
 */
export async function readTable<C extends string>(
  client: SnmpClient,
  entryOid: string,
  columns: Record<C, number>,
  limit: number,
  signal?: AbortSignal,
): Promise<TableRows<C>> {
  const rows: TableRows<C> = new Map();
  const queue = Object.entries(columns) as Array<[C, number]>;
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, column] = next;
      const base = `${entryOid}.${column}`;
      for (const vb of await client.walk(base, limit, signal)) {
        const index = vb.oid.slice(base.length + 1);
        const row: Partial<Record<C, Varbind>> = rows.get(index) ?? {};
        row[name] = vb;
        rows.set(index, row);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_COLUMNS, queue.length) }, worker));
  return rows;
}
