/**
 * The order to copy tables in so that every foreign key finds its parent already copied (parents first; ties by
 * name, so the order is stable). A table referring to itself is not a cycle here: its rows are copied in key order
 * and forward references are filled in after the table (see copy.ts). Pure.
 */

export interface TableRefs {
  table: string;
  /** Tables this one's foreign keys point at (itself included when it refers to itself). */
  references: readonly string[];
}

export function copyOrder(tables: readonly TableRefs[]): string[] {
  const names = new Set(tables.map((t) => t.table));
  const pending = new Map(tables.map((t) => [t.table, new Set(t.references.filter((r) => r !== t.table))]));
  for (const [table, refs] of pending) {
    for (const ref of refs) {
      if (!names.has(ref)) throw new Error(`table ${table} has a foreign key to ${ref}, which is not among the tables copied`);
    }
  }
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, refs]) => refs.size === 0).map(([table]) => table).sort();
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...pending.keys()].sort().join(', ')}: no order copies them parents first`);
    for (const table of ready) {
      order.push(table);
      pending.delete(table);
      for (const refs of pending.values()) refs.delete(table);
    }
  }
  return order;
}
