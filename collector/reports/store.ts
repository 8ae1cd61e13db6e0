/**
 * SQL of the reports (migrations 005, 007, 010): result samples per check and period, generated fault reports, fault
 * reports sent to the customer, and the fault-report warnings and reminders already sent. Every method takes the
 * handle it runs on (`q`: the store's `db`, or a transaction's `trx`) first.
 */
import { sql } from 'kysely';
import type { CheckState, FindingParams, Series } from '../../common/protocol.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';
import type { ReportSamplesTable } from '../store/sql/schema-reports.js';

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

type Row = Omit<ReportSamplesTable, 'slot'>;

const SAMPLE_COLUMNS = ['agent_id', 'check_id', 'check_type', 'target', 'observed_ms', 'state', 'message', 'code', 'params_json', 'metrics_json', 'series_json', 'details_json'] as const;

const fromRow = (r: Row): ResultSample => ({
  agentId: r.agent_id,
  checkId: r.check_id,
  checkType: r.check_type,
  target: r.target,
  observedMs: r.observed_ms,
  state: r.state as CheckState,
  message: r.message,
  code: r.code,
  params: r.params_json ? (JSON.parse(r.params_json) as FindingParams) : null,
  metrics: JSON.parse(r.metrics_json) as Record<string, number>,
  series: r.series_json ? (JSON.parse(r.series_json) as Series[]) : [],
  details: r.details_json ? (JSON.parse(r.details_json) as ResultSample['details']) : {},
});

/** Rows per INSERT: 13 parameters a row stays far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const SAMPLE_CHUNK = 500;
const ALL_SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/**
 * Resolved top-level incidents of the given severities, resolved before the cutoff, whose fault report was not sent to
 * the customer and that got no such notice yet (`notices`: fault_report_reminders or fault_report_warnings). Reads
 * the incidents table (owned by the incident service) only to join it with the reports' own notice tables.
 */
async function pending(q: Q, notices: 'fault_report_reminders' | 'fault_report_warnings', cutoffMs: number, severities: readonly string[]): Promise<number[]> {
  if (severities.length === 0) return [];
  const { rows } = await sql<{ id: number }>`SELECT i.id FROM incidents i
       WHERE i.parent_id IS NULL AND i.status IN ('resolved', 'closed') AND i.resolved_at_ms IS NOT NULL AND i.resolved_at_ms <= ${cutoffMs}
         AND i.severity IN (${sql.join(severities)})
         AND NOT EXISTS (SELECT 1 FROM fault_report_sent s WHERE s.incident_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM ${sql.table(notices)} r WHERE r.incident_id = i.id)
       ORDER BY i.id`.execute(q);
  return rows.map((r) => r.id);
}

export function createReportStore() {
  return {
    /**
     * Stores results; within one sample period the newest result of a check replaces the older one. Multi-row
     * INSERTs of up to SAMPLE_CHUNK rows; pass a transaction's `trx` to write the batch atomically (samples.ts does).
     */
    async recordSamples(q: Q, samples: readonly ResultSample[], periodMs: number): Promise<void> {
      // One row per key in a statement: PostgreSQL refuses ON CONFLICT touching the same row twice in one INSERT.
      const newest = new Map<string, ResultSample>();
      for (const s of samples) {
        const key = `${s.agentId}\u0000${s.checkId}\u0000${Math.floor(s.observedMs / periodMs)}`;
        const held = newest.get(key);
        if (!held || held.observedMs <= s.observedMs) newest.set(key, s);
      }
      const rows = [...newest.values()].map((s) => ({
        agent_id: s.agentId,
        check_id: s.checkId,
        check_type: s.checkType,
        target: s.target,
        slot: Math.floor(s.observedMs / periodMs),
        observed_ms: s.observedMs,
        state: s.state,
        message: s.message,
        code: s.code,
        params_json: s.params ? JSON.stringify(s.params) : null,
        metrics_json: JSON.stringify(s.metrics),
        series_json: s.series.length ? JSON.stringify(s.series) : null,
        details_json: Object.keys(s.details).length ? JSON.stringify(s.details) : null,
      }));
      for (let i = 0; i < rows.length; i += SAMPLE_CHUNK) {
        await q
          .insertInto('report_samples')
          .values(rows.slice(i, i + SAMPLE_CHUNK))
          .onConflict((oc) =>
            oc
              .columns(['agent_id', 'check_id', 'slot'])
              .doUpdateSet((eb) => ({
                check_type: eb.ref('excluded.check_type'),
                target: eb.ref('excluded.target'),
                observed_ms: eb.ref('excluded.observed_ms'),
                state: eb.ref('excluded.state'),
                message: eb.ref('excluded.message'),
                code: eb.ref('excluded.code'),
                params_json: eb.ref('excluded.params_json'),
                metrics_json: eb.ref('excluded.metrics_json'),
                series_json: eb.ref('excluded.series_json'),
                details_json: eb.ref('excluded.details_json'),
              }))
              .where(sql.ref('excluded.observed_ms'), '>=', sql.ref('report_samples.observed_ms')),
          )
          .execute();
      }
    },
    /** The newest result of every check observed before `beforeMs`. */
    async latestBefore(q: Q, beforeMs: number): Promise<ResultSample[]> {
      const latest = q
        .selectFrom('report_samples')
        .select(['agent_id', 'check_id', (eb) => eb.fn.max('observed_ms').as('m')])
        .where('observed_ms', '<', beforeMs)
        .groupBy(['agent_id', 'check_id'])
        .as('l');
      const rows = await q
        .selectFrom('report_samples as s')
        .innerJoin(latest, (join) => join.onRef('s.agent_id', '=', 'l.agent_id').onRef('s.check_id', '=', 'l.check_id').onRef('s.observed_ms', '=', 'l.m'))
        .select(SAMPLE_COLUMNS.map((c) => `s.${c}` as const))
        .orderBy('s.target')
        .orderBy('s.check_id')
        .orderBy('s.agent_id')
        .execute();
      return rows.map(fromRow);
    },
    async history(q: Q, agentId: string, checkId: string, fromMs: number, toMs: number): Promise<ResultSample[]> {
      const rows = await q
        .selectFrom('report_samples')
        .select(SAMPLE_COLUMNS)
        .where('agent_id', '=', agentId)
        .where('check_id', '=', checkId)
        .where('observed_ms', '>=', fromMs)
        .where('observed_ms', '<', toMs)
        .orderBy('observed_ms')
        .execute();
      return rows.map(fromRow);
    },
    async prune(q: Q, beforeMs: number): Promise<number> {
      return changed(await q.deleteFrom('report_samples').where('observed_ms', '<', beforeMs).executeTakeFirst());
    },
    /** Samples in [from, to) (one per check and sample period) counted by target, check type and state. */
    async stateCounts(q: Q, fromMs: number, toMs: number): Promise<StateCount[]> {
      const rows = await q
        .selectFrom('report_samples')
        .select(['target', 'check_type', 'state', (eb) => eb.fn.countAll<number>().as('n')])
        .where('observed_ms', '>=', fromMs)
        .where('observed_ms', '<', toMs)
        .groupBy(['target', 'check_type', 'state'])
        .orderBy('target')
        .orderBy('check_type')
        .orderBy('state')
        .execute();
      return rows.map((r) => ({ target: r.target, check_type: r.check_type, state: r.state as CheckState, n: Number(r.n) }));
    },
    async recordFaultReport(q: Q, incidentId: number, number: string, atMs: number, by: string): Promise<void> {
      await q
        .insertInto('fault_reports')
        .values({ incident_id: incidentId, number, generated_at_ms: atMs, generated_by: by })
        .onConflict((oc) => oc.column('incident_id').doNothing())
        .execute();
    },
    async faultReportOf(q: Q, incidentId: number): Promise<{ generatedAtMs: number; generatedBy: string } | null> {
      const row = await q.selectFrom('fault_reports').select(['generated_at_ms', 'generated_by']).where('incident_id', '=', incidentId).executeTakeFirst();
      return row ? { generatedAtMs: row.generated_at_ms, generatedBy: row.generated_by } : null;
    },
    /** Incidents of `severities` needing the overdue reminder (resolved at or before `cutoffMs`, report not sent). */
    dueReminders(q: Q, cutoffMs: number, severities: readonly string[] = ALL_SEVERITIES): Promise<number[]> {
      return pending(q, 'fault_report_reminders', cutoffMs, severities);
    },
    /** Incidents of `severities` needing the early warning (resolved at or before `cutoffMs`, report not sent). */
    dueWarnings(q: Q, cutoffMs: number, severities: readonly string[] = ALL_SEVERITIES): Promise<number[]> {
      return pending(q, 'fault_report_warnings', cutoffMs, severities);
    },
    /** True when this call recorded it (false: already warned — by this collector or another). */
    async markWarned(q: Q, incidentId: number, atMs: number): Promise<boolean> {
      const result = await q.insertInto('fault_report_warnings').values({ incident_id: incidentId, at_ms: atMs }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return changed(result) > 0;
    },
    /** Records that the fault report went to the customer; false when it was recorded before. */
    async markSent(q: Q, incidentId: number, atMs: number, by: string, note: string | null): Promise<boolean> {
      const result = await q.insertInto('fault_report_sent').values({ incident_id: incidentId, at_ms: atMs, sent_by: by, note }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return changed(result) > 0;
    },
    async sentOf(q: Q, incidentId: number): Promise<{ atMs: number; by: string; note: string | null } | null> {
      const row = await q.selectFrom('fault_report_sent').select(['at_ms', 'sent_by', 'note']).where('incident_id', '=', incidentId).executeTakeFirst();
      return row ? { atMs: row.at_ms, by: row.sent_by, note: row.note } : null;
    },
    /** True when this call recorded it (false: already reminded — by this collector or another). */
    async markReminded(q: Q, incidentId: number, atMs: number): Promise<boolean> {
      const result = await q.insertInto('fault_report_reminders').values({ incident_id: incidentId, at_ms: atMs }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return changed(result) > 0;
    },
  };
}
export type ReportStore = ReturnType<typeof createReportStore>;
