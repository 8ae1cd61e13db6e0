/** Every row of every table of a store, in a stable order (either engine): "nothing was written" checks. */
import { sql, type Kysely } from 'kysely';

export async function snapshot(db: Kysely<any>, except: (table: string) => boolean = () => false): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !except(name)).sort();
  const rows: unknown[] = [];
  for (const name of tables) rows.push([name, (await sql`SELECT * FROM ${sql.table(name)} ORDER BY 1`.execute(db)).rows]);
  return JSON.stringify(rows);
}
