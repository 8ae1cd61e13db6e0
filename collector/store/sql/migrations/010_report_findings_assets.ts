/** Reports, second step: finding code/params of sampled results, asset baselines (raw: ../../migrations/010_report_findings_assets.ts). */
import { columnTypes, notNull, withId, withoutRowid, type SqlMigration } from './types.js';

export const sqlMigration010ReportFindingsAssets: SqlMigration = {
  version: 10,
  name: 'report_findings_assets',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    // One ALTER per column: SQLite adds one column per statement.
    await db.schema.alterTable('report_samples').addColumn('code', t.text).execute();
    await db.schema.alterTable('report_samples').addColumn('params_json', t.text).execute();

    // One row per verification; the newest is the baseline. Its agents are in asset_baseline_agents.
    await withId(db.schema.createTable('asset_baselines'), dialect)
      .addColumn('verified_at_ms', t.int, notNull)
      .addColumn('verified_by', t.text, notNull)
      .execute();
    await withoutRowid(
      db.schema
        .createTable('asset_baseline_agents')
        .addColumn('baseline_id', t.int, (c) => c.notNull().references('asset_baselines.id'))
        .addColumn('agent_id', t.text, notNull)
        .addColumn('inventory_json', t.text)
        .addColumn('inventory_at_ms', t.int)
        .addPrimaryKeyConstraint('asset_baseline_agents_pkey', ['baseline_id', 'agent_id']),
      dialect,
    ).execute();
  },
};
