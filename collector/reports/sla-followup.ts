/**
 * The SLA report's follow-up data for one contract and period: every resolution-time extension the customer agreed
 * to (seed 003), and the customer's evaluations with their average against the contract's `satisfaction_target`
 * (seed 002 服务评价: 90 of 100 or more). Read-only.
 */
import { listEvaluationsOfIncidentsOpened } from '../incidents/evaluations.js';
import { getIncidentById, listTimeline, type IncidentRecord, type TimelineEntry } from '../incidents/repository.js';
import type { Contract } from '../sla/index.js';
import { createIncidentSlaStore, type StoredExtension } from '../sla-service/incident-sla-store.js';
import type { ReportContext } from './context.js';
import { iso, seconds } from './period.js';

/** An incident of the report with its extensions and the timeline entries that recorded them (read by extensionInputs). */
export interface ExtendedIncident {
  record: IncidentRecord;
  extensions: readonly StoredExtension[];
  recorded: readonly TimelineEntry[];
}

/** Reads the extensions of the report's incidents and the timeline entries that granted them. */
export async function extensionInputs(ctx: ReportContext, incidents: readonly IncidentRecord[]): Promise<ExtendedIncident[]> {
  const q = ctx.store.db;
  const store = createIncidentSlaStore();
  const out: ExtendedIncident[] = [];
  for (const record of incidents) {
    const extensions = await store.extensions(q, record.id);
    if (!extensions.length) continue;
    // The resolution due each extension moved to, as recorded on the timeline when it was granted.
    const recorded = (await listTimeline(q, record.id)).filter((e) => e.kind === 'sla_extended');
    out.push({ record, extensions, recorded });
  }
  return out;
}

/** Extensions of the contract's incidents of the period (the incidents the report lists), oldest first. Pure. */
export function extensionRows(extended: readonly ExtendedIncident[]) {
  return extended
    .flatMap(({ record: r, extensions, recorded }) =>
      extensions.map((e) => {
        const entry = recorded.find((x) => x.atMs === e.atMs && x.data?.extend_ms === e.extendMs);
        const due = entry?.data?.resolution_due_after_ms;
        return {
          number: r.number,
          severity: r.severity,
          title: r.title,
          at: iso(e.atMs) as string,
          extend_s: seconds(e.extendMs),
          /** The resolution due right after this extension (null when the timeline has no record of it). */
          resolution_due_at: typeof due === 'number' ? iso(due) : null,
          approved_by: e.approvedBy,
          reason: e.reason,
          by: e.createdBy,
        };
      }),
    )
    .sort((a, b) => a.at.localeCompare(b.at) || a.number.localeCompare(b.number));
}

export interface EvaluationRow {
  number: string;
  severity: IncidentRecord['severity'];
  title: string;
  opened_at: string;
  at: string;
  score: number;
  comment: string | null;
  evaluator: string;
}

/**
 * Evaluations of the contract's incidents opened in [fromMs, toMs) — the month an incident opened, as compliance
 * counts it, however late the customer's evaluation came.
 */
export async function evaluationRows(ctx: ReportContext, contract: Contract, fromMs: number, toMs: number): Promise<EvaluationRow[]> {
  const q = ctx.store.db;
  const rows: EvaluationRow[] = [];
  for (const e of await listEvaluationsOfIncidentsOpened(q, fromMs, toMs)) {
    const record = await getIncidentById(q, e.incidentId);
    if (!record || (await ctx.sla.timers.policyOf(record)).contract !== contract.name) continue;
    rows.push({ number: record.number, severity: record.severity, title: record.title, opened_at: iso(record.openedAtMs) as string, at: iso(e.atMs) as string, score: e.score, comment: e.comment, evaluator: e.evaluator });
  }
  return rows;
}

/** The evaluations with their average and whether it meets the contract's target. Pure. */
export function satisfactionOf(contract: Contract, rows: readonly EvaluationRow[]) {
  const average = rows.length ? rows.reduce((sum, r) => sum + r.score, 0) / rows.length : null;
  return {
    target: contract.satisfactionTarget,
    count: rows.length,
    average,
    /** null when nobody evaluated in the period. */
    met: average === null ? null : average >= contract.satisfactionTarget,
    evaluations: [...rows],
  };
}
