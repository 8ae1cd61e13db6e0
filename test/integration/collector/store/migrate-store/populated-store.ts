/**
 * A SQLite store as an installation leaves it: the released store (test/fixtures/store-upgrade/release-0.1.0.db)
 * upgraded by opening it, plus rows in every table — the ingest tables through the async repositories, the others
 * with plain inserts of realistic rows (their writers are still being moved to the async layer). Includes a child
 * incident whose parent has the higher id (a forward self-reference) and enough observation runs for several
 * batches. `everyTableHasRows` keeps a table added later from going untested.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createAgentsRepo } from '../../../../../collector/store/sql/agents-repo.js';
import { createChecksRepo } from '../../../../../collector/store/sql/checks-repo.js';
import { openSqlStore } from '../../../../../collector/store/sql/connect.js';
import { nextIncidentNumberAsync } from '../../../../../collector/store/sql/incident-numbers.js';
import { createIntervalsRepo } from '../../../../../collector/store/sql/intervals-repo.js';
import { tryAcquire } from '../../../../../collector/store/sql/leases.js';
import { createObservationLogRepo } from '../../../../../collector/store/sql/observation-log.js';
import { createSeqMarksRepo } from '../../../../../collector/store/sql/seq-marks.js';
import { PROTOCOL_VERSION } from '../../../../../common/protocol.js';

export const RELEASE_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/store-upgrade/release-0.1.0.db');
const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);
export const OBSERVATION_RUNS_ADDED = 1200;

/** Copies the released store to `dataDir/outpost.db` and returns the file (not upgraded). */
export function releasedStore(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'outpost.db');
  copyFileSync(RELEASE_FIXTURE, file);
  return file;
}

/** The released store, upgraded and filled: returns the file. */
export async function populatedStore(dataDir: string): Promise<string> {
  const file = releasedStore(dataDir);
  const store = await openSqlStore({ kind: 'sqlite', file });
  const agents = createAgentsRepo();
  const checks = createChecksRepo();
  const intervals = createIntervalsRepo();
  const log = createObservationLogRepo();
  const seqs = createSeqMarksRepo({ now: () => T0 });
  try {
    await store.transaction(async (q) => {
      for (const agent of ['db-1', 'db-2', 'sw-core']) {
        await agents.setStatus(q, { v: PROTOCOL_VERSION, agent_id: agent, state: 'online', sent_at_ms: T0, agent_version: '1.2.0', hostname: `${agent}.机房A`, checks: [{ check_id: 'cpu', check_type: 'host', target: agent, interval_s: 60 }] }, T0);
        for (const [i, check] of ['cpu', 'disk-root'].entries()) {
          await checks.record(q, { agentId: agent, checkId: check, checkType: check === 'cpu' ? 'host' : 'disk', target: agent, intervalS: 30.5, lastObservedMs: T0 + i, lastReceivedMs: T0 + i + 7, lastState: 'ok', lastMessage: '磁盘使用率 41%', lastMetrics: { used_percent: 41.25 }, lastCode: 'disk.ok', lastParams: { used: 41.25 } });
          for (let k = 0; k < 20; k++) {
            await intervals.transition(q, { agentId: agent, checkId: check, checkType: 'disk', target: agent, state: k % 2 === 0 ? 'ok' : 'crit', startMs: T0 + k * 60_000, endMs: null, reason: k % 2 === 0 ? 'ok' : '使用率 97%', cause: 'result' });
          }
        }
        for (let seq = 1; seq <= 50; seq++) await seqs.accept(q, agent, 'results', seq, 'inc-2026', T0 + seq);
      }
      for (let k = 0; k < OBSERVATION_RUNS_ADDED; k++) {
        await log.append(q, 'db-1', k % 2 === 0 ? 'cpu' : 'disk-root', { state: k % 3 === 0 ? 'warn' : 'ok', cause: 'result', firstMs: T0 + k * 1000, lastMs: T0 + k * 1000 + 500, count: 1 + (k % 7), reason: `load ${k} — 负载`, finding: k % 5 === 0 ? { code: 'host.load', params: { load: k / 10 } } : null });
      }
      await log.persist(q);
      await seqs.persist(q);
      await nextIncidentNumberAsync(q, T0);
      await tryAcquire(q, 'sla-timers', 'collector-a', 10_000, T0);
      // Incident 2 is the child of incident 3, opened later (a forward reference in id order).
      for (const [id, parent, isHost] of [
        [3, null, 1],
        [2, 3, 0],
      ] as const) {
        await sql`INSERT INTO incidents (id, number, title, severity, status, source, dedup_key, agent_id, target, check_id, check_type, last_state, is_host, parent_id, started_at_ms, opened_at_ms, updated_at_ms, title_code, title_params_json)
          VALUES (${id}, ${`INC-20261204-000${id}`}, ${`db-1 不可达 ${id}`}, 'P2', 'open', 'auto', ${`check:db-1:${id}`}, 'db-1', 'db-1', 'cpu', 'host', 'crit', ${isHost}, ${parent}, ${T0}, ${T0 + 1000}, ${T0 + 2000}, 'incident.check_crit', ${JSON.stringify({ check: 'cpu' })})`.execute(q);
      }
      await sql`INSERT INTO incident_extensions (incident_id, at_ms, extend_ms, approved_by, reason, created_by) VALUES (2, ${T0}, 3600000, '技术总监', '等待备件', 'o')`.execute(q);
      await sql`INSERT INTO incident_evaluations (incident_id, score, comment, evaluator, at_ms, recorded_by) VALUES (1, 95, '响应及时', '客户张三', ${T0}, 'o')`.execute(q);
      await sql`INSERT INTO incident_sla_fired (incident_id, kind, key, at_ms) VALUES (1, 'response', 'P1', ${T0}), (1, 'escalation', 'step-1', ${T0 + 1})`.execute(q);
      await sql`INSERT INTO fault_reports (incident_id, number, generated_at_ms, generated_by) VALUES (1, 'FR-20261205-0001', ${T0}, 'a')`.execute(q);
      await sql`INSERT INTO fault_report_sent (incident_id, at_ms, sent_by, note) VALUES (1, ${T0}, 'a', '已邮件发送客户')`.execute(q);
      await sql`INSERT INTO fault_report_reminders (incident_id, at_ms) VALUES (1, ${T0})`.execute(q);
      await sql`INSERT INTO fault_report_warnings (incident_id, at_ms) VALUES (1, ${T0})`.execute(q);
      await sql`INSERT INTO heartbeats (name, token_sha256, source, target, period_ms, grace_ms, severity, created_at_ms, status, deadline_ms, last_ping_ms, last_ping_kind)
        VALUES ('nightly-backup', ${'ab'.repeat(32)}, 'config', 'db-1', 86400000, 3600000, 'P2', ${T0}, 'up', ${T0 + 90_000_000}, ${T0}, 'success')`.execute(q);
      await sql`INSERT INTO heartbeat_runs (name, started_at_ms, finished_at_ms, duration_ms, outcome, exit_code) VALUES ('nightly-backup', ${T0}, ${T0 + 5000}, 5000, 'success', 0)`.execute(q);
      await sql`INSERT INTO asset_baselines (verified_at_ms, verified_by) VALUES (${T0}, '资产管理员')`.execute(q);
      await sql`INSERT INTO asset_baseline_agents (baseline_id, agent_id, inventory_json, inventory_at_ms) VALUES (1, 'db-1', ${JSON.stringify({ cpu: 8 })}, ${T0})`.execute(q);
      await sql`INSERT INTO report_schedule_runs (schedule_key, started_at_ms, finished_at_ms, outcome, error, files, written, deliveries) VALUES ('monthly-sla@2026-11', ${T0}, ${T0 + 800}, 'ok', NULL, '["sla-2026-11.pdf"]', 1, '[]')`.execute(q);
    });
  } finally {
    await store.close();
  }
  return file;
}

/** The table (other than the migration history) of `file` that has no row, or null. */
export function emptyTable(file: string): string | null {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as unknown as string[];
    return names.find((n) => db.prepare(`SELECT count(*) FROM "${n}"`).pluck().get() === 0) ?? null;
  } finally {
    db.close();
  }
}
