/**
 * Reports, second step: the finding code and parameters of each sampled result (nullable: older agents send a
 * message only), so a report renders findings in its reader's language; and the asset baselines — each agent's
 * inventory as it was when someone last verified the asset register (`outpost report assets --mark-verified`).
 */
import type { Migration } from './index.js';

export const migration010ReportFindingsAssets: Migration = {
  version: 10,
  name: 'report_findings_assets',
  up(db) {
    db.exec(`
      ALTER TABLE report_samples ADD COLUMN code TEXT;
      ALTER TABLE report_samples ADD COLUMN params_json TEXT;

      -- One row per verification; the newest is the baseline. Its agents are in asset_baseline_agents.
      CREATE TABLE asset_baselines (
        id INTEGER PRIMARY KEY,
        verified_at_ms INTEGER NOT NULL,
        verified_by TEXT NOT NULL
      );
      CREATE TABLE asset_baseline_agents (
        baseline_id INTEGER NOT NULL REFERENCES asset_baselines (id),
        agent_id TEXT NOT NULL,
        inventory_json TEXT,
        inventory_at_ms INTEGER,
        PRIMARY KEY (baseline_id, agent_id)
      ) WITHOUT ROWID;
    `);
  },
};
