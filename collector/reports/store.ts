/**
 * SQL of the reports (migrations 005, 007, 010): result samples per check and period, generated fault reports, fault
 * reports sent to the customer, and the fault-report warnings and reminders already sent.
 */
import type { CheckState, FindingParams, Series } from '../../common/protocol.js';
import type { Db } from '../store/db.js';

export interface ResultSample {
  agentId: string;
  checkId: string;
  checkType: string;
  target: string;
  observedMs: number;
  state: CheckState;
  message: string;
  /** The finding's code and parameters (rendered in the reader's language); null from agents that send none. */
  code: string | null;
  params: FindingParams | null;
  metrics: Record<string, number>;
  series: Series[];
  details: Record<string, string | number | boolean | null>;
}

export interface StateCount {
  target: string;
  check_type: string;
  state: CheckState;
  n: number;
}

interface Row {
  agent_id: string;
  check_id: string;
  check_type: string;
  target: string;
  observed_ms: number;
  state: CheckState;
  message: string;
  code: string | null;
  params_json: string | null;
  metrics_json: string;
  series_json: string | null;
  details_json: string | null;
}

const fromRow = (r: Row): ResultSample => ({
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  observedMs: r.observed_ms,
  state: r.state,
  message: r.message,
  code: r.code,
  params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null,
  metrics: JSON.parse(r.metrics_json) as Record<string, number>,
  series: r.series_json ? (JSON.parse(r.series_json) as Series[]) : [],
  details: r.details_json ? (JSON.parse(r.details_json) as ResultSample['details']) : {},
});

export function createReportStore(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO report_samples (agent_id, check_id, check_type, target, slot, observed_ms, state, message, code, params_json, metrics_json, series_json, details_json)
     VALUES (@agentId, @checkId, @checkType, @target, @slot, @observedMs, @state, @message, @code, @params, @metrics, @series, @details)
     ON CONFLICT (agent_id, check_id, slot) DO UPDATE SET check_type = excluded.check_type, target = excluded.target,
       observed_ms = excluded.observed_ms, state = excluded.state, message = excluded.message, code = excluded.code,
       params_json = excluded.params_json, metrics_json = excluded.metrics_json,
       series_json = excluded.series_json, details_json = excluded.details_json
     WHERE excluded.observed_ms >= report_samples.observed_ms`,
  );
  // The newest sample of every check observed before a given instant.
  const latestBefore = db.prepare<[number], Row>(
    `SELECT s.* FROM report_samples s
     JOIN (SELECT agent_id, check_id, MAX(observed_ms) AS m FROM report_samples WHERE observed_ms < ? GROUP BY agent_id, check_id) l
       ON s.agent_id = l.agent_id AND s.check_id = l.check_id AND s.observed_ms = l.m
     ORDER BY s.target, s.check_id, s.agent_id`,
  );
  const history = db.prepare<[string, string, number, number], Row>(
    'SELECT * FROM report_samples WHERE agent_id = ? AND check_id = ? AND observed_ms >= ? AND observed_ms < ? ORDER BY observed_ms',
  );
  const prune = db.prepare('DELETE FROM report_samples WHERE observed_ms < ?');
  const stateCounts = db.prepare<[number, number], StateCount>(
    'SELECT target, check_type, state, COUNT(*) AS n FROM report_samples WHERE observed_ms >= ? AND observed_ms < ? GROUP BY target, check_type, state ORDER BY target, check_type, state',
  );
  const insertFault = db.prepare('INSERT INTO fault_reports (incident_id, number, generated_at_ms, generated_by) VALUES (?, ?, ?, ?) ON CONFLICT (incident_id) DO NOTHING');
  const faultOf = db.prepare<[number], { generated_at_ms: number; generated_by: string }>('SELECT generated_at_ms, generated_by FROM fault_reports WHERE incident_id = ?');
  const insertReminder = db.prepare('INSERT OR IGNORE INTO fault_report_reminders (incident_id, at_ms) VALUES (?, ?)');
  const insertWarning = db.prepare('INSERT OR IGNORE INTO fault_report_warnings (incident_id, at_ms) VALUES (?, ?)');
  // Resolved top-level incidents of the given severities, resolved before the cutoff, whose fault report was not
  // sent to the customer and that got no such notice yet (`notices`: fault_report_reminders or fault_report_warnings).
  const pending = (notices: 'fault_report_reminders' | 'fault_report_warnings') =>
    db.prepare<[number, string], { id: number }>(
      `SELECT i.id FROM incidents i
       WHERE i.parent_id IS NULL AND i.status IN ('resolved', 'closed') AND i.resolved_at_ms IS NOT NULL AND i.resolved_at_ms <= ?
         AND i.severity IN (SELECT value FROM json_each(?))
         AND NOT EXISTS (SELECT 1 FROM fault_report_sent s WHERE s.incident_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM ${notices} r WHERE r.incident_id = i.id)
       ORDER BY i.id`,
    );
  const dueReminders = pending('fault_report_reminders');
  const dueWarnings = pending('fault_report_warnings');
  const insertSent = db.prepare('INSERT OR IGNORE INTO fault_report_sent (incident_id, at_ms, sent_by, note) VALUES (?, ?, ?, ?)');
  const sentOf = db.prepare<[number], { at_ms: number; sent_by: string; note: string | null }>('SELECT at_ms, sent_by, note FROM fault_report_sent WHERE incident_id = ?');

  return {
    /** Stores results; within one sample period the newest result of a check replaces the older one. */
    recordSamples(samples: readonly ResultSample[], periodMs: number): void {
      db.transaction(() => {
        for (const s of samples) {
          upsert.run({
            agentId: s.agentId,
            checkId: s.checkId,
            checkType: s.checkType,
            target: s.target,
            slot: Math.floor(s.observedMs / periodMs),
            observedMs: s.observedMs,
            state: s.state,
            message: s.message,
            code: s.code,
            params: s.params ? JSON.stringify(s.params) : null,
            metrics: JSON.stringify(s.metrics),
            series: s.series.length ? JSON.stringify(s.series) : null,
            details: Object.keys(s.details).length ? JSON.stringify(s.details) : null,
          });
        }
      })();
    },
    /** The newest result of every check observed before `beforeMs`. */
    latestBefore(beforeMs: number): ResultSample[] {
      return latestBefore.all(beforeMs).map(fromRow);
    },
    history(agentId: string, checkId: string, fromMs: number, toMs: number): ResultSample[] {
      return history.all(agentId, checkId, fromMs, toMs).map(fromRow);
    },
    prune(beforeMs: number): number {
      return prune.run(beforeMs).changes;
    },
    /** Samples in [from, to) (one per check and sample period) counted by target, check type and state. */
    stateCounts(fromMs: number, toMs: number): StateCount[] {
      return stateCounts.all(fromMs, toMs);
    },
    recordFaultReport(incidentId: number, number: string, atMs: number, by: string): void {
      insertFault.run(incidentId, number, atMs, by);
    },
    faultReportOf(incidentId: number): { generatedAtMs: number; generatedBy: string } | null {
      const row = faultOf.get(incidentId);
      return row ? { generatedAtMs: row.generated_at_ms, generatedBy: row.generated_by } : null;
    },
    /** Incidents of `severities` needing the overdue reminder (resolved at or before `cutoffMs`, report not sent). */
    dueReminders(cutoffMs: number, severities: readonly string[] = ['P1', 'P2', 'P3', 'P4']): number[] {
      return dueReminders.all(cutoffMs, JSON.stringify(severities)).map((r) => r.id);
    },
    /** Incidents of `severities` needing the early warning (resolved at or before `cutoffMs`, report not sent). */
    dueWarnings(cutoffMs: number, severities: readonly string[] = ['P1', 'P2', 'P3', 'P4']): number[] {
      return dueWarnings.all(cutoffMs, JSON.stringify(severities)).map((r) => r.id);
    },
    /** True when this call recorded it (false: already warned). */
    markWarned(incidentId: number, atMs: number): boolean {
      return insertWarning.run(incidentId, atMs).changes > 0;
    },
    /** Records that the fault report went to the customer; false when it was recorded before. */
    markSent(incidentId: number, atMs: number, by: string, note: string | null): boolean {
      return insertSent.run(incidentId, atMs, by, note).changes > 0;
    },
    sentOf(incidentId: number): { atMs: number; by: string; note: string | null } | null {
      const row = sentOf.get(incidentId);
      return row ? { atMs: row.at_ms, by: row.sent_by, note: row.note } : null;
    },
    /** True when this call recorded it (false: already reminded). */
    markReminded(incidentId: number, atMs: number): boolean {
      return insertReminder.run(incidentId, atMs).changes > 0;
    },
  };
}
export type ReportStore = ReturnType<typeof createReportStore>;
