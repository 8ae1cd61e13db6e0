/**
 * The SLA report's follow-up data for one contract and period: every resolution-time extension the customer agreed
 * to (seed 003), and the customer's evaluations with their average against the contract's `satisfaction_target`
 * (seed 002 服务评价: 90 of 100 or more). Read-only.
 */
import { listEvaluationsOfIncidentsOpened } from '../incidents/evaluations.js';
import { getIncidentById, listTimeline, type IncidentRecord } from '../incidents/repository.js';
import type { Contract } from '../sla/index.js';
import { createIncidentSlaStore } from '../sla-service/incident-sla-store.js';
import type { ReportContext } from './context.js';
import { iso, seconds } from './period.js';

/** Extensions of the contract's incidents of the period (the incidents the report lists), oldest first. */
export function extensionRows(ctx: ReportContext, incidents: readonly IncidentRecord[]) {
  const store = createIncidentSlaStore(ctx.db);
  return incidents
    .flatMap((r) => {
      const extensions = store.extensions(r.id);
      if (!extensions.length) return [];
      // The resolution due each extension moved to, as recorded on the timeline when it was granted.
      const recorded = listTimeline(ctx.db, r.id).filter((e) => e.kind === 'sla_extended');
      return extensions.map((e) => {
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
      });
    })
    .sort((a, b) => a.at.localeCompare(b.at) || a.number.localeCompare(b.number));
}

/**
 * Evaluations of the contract's incidents opened in [fromMs, toMs) — the month an incident opened, as compliance
 * counts it, however late the customer's evaluation came — with their average and whether it meets the target.
 */
export function satisfactionOf(ctx: ReportContext, contract: Contract, fromMs: number, toMs: number) {
  const rows = listEvaluationsOfIncidentsOpened(ctx.db, fromMs, toMs).flatMap((e) => {
    const record = getIncidentById(ctx.db, e.incidentId);
    if (!record || ctx.sla.timers.policyOf(record).contract !== contract.name) return [];
    return [{ number: record.number, severity: record.severity, title: record.title, opened_at: iso(record.openedAtMs) as string, at: iso(e.atMs) as string, score: e.score, comment: e.comment, evaluator: e.evaluator }];
  });
  const average = rows.length ? rows.reduce((sum, r) => sum + r.score, 0) / rows.length : null;
  return {
    target: contract.satisfactionTarget,
    count: rows.length,
    average,
    /** null when nobody evaluated in the period. */
    met: average === null ? null : average >= contract.satisfactionTarget,
    evaluations: rows,
  };
}
