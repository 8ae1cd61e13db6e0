/**
 * The checks currently not ok, without reading every check's open interval: the maintenance-end watcher asks this
 * every `states.silence_scan` (1 s), and with 10,000 agents × 10 checks reading all 100,000 open intervals each time
 * was the collector's largest steady cost (issue 13, bench/fleet). A partial index holds only the few open bad ones.
 * Plain SQL: the same index serves PostgreSQL.
 */
import type { Migration } from './index.js';

export const migration018OpenNotOk: Migration = {
  version: 18,
  name: 'open_not_ok',
  up(db) {
    db.exec(`CREATE INDEX state_intervals_open_not_ok ON state_intervals (agent_id, check_id) WHERE end_ms IS NULL AND state <> 'ok'`);
  },
};
