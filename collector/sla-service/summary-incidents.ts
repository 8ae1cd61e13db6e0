/**
 * The incident part of the SLA summary for one period: the period's top-level incidents per contract (read once for
 * every contract, not once per contract) by severity with response/resolution compliance, MTTA and MTTR.
 *
 * Cached per period while nothing it depends on changed: no incident was written (`incidentsVersion`: the incident
 * service's SLA hook, pauses, extensions), no maintenance window changed (deferred clock starts), and no running
 * clock reached its due instant (the earliest due instant of a clock without an outcome bounds the entry) — so the
 * cached section equals a fresh one at any instant. `maxAgeMs` bounds it besides (short on PostgreSQL, where other
 * collectors open and change incidents too).
 */
import { SEVERITIES, type Severity } from '../events.js';
import { listIncidents, type IncidentRecord } from '../incidents/repository.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { IncidentTimers } from './incident-timers.js';
import { MONTH_CACHE_MAX_AGE_MS, SHARED_STORE_MAX_AGE_MS } from './month-cache.js';
import { resolutionMetTarget, tally } from './summary.js';

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

export interface IncidentSectionDeps {
  store: SqlStore;
  timers: IncidentTimers;
  /** Bumped on every incident write and SLA change (pause, extension); without it nothing is cached. */
  incidentsVersion?: () => number;
  maintenanceVersion?: () => number;
  maxAgeMs?: number;
}

async function section(incidents: IncidentRecord[], timers: IncidentTimers, nowMs: number) {
  const slas: Array<{ record: IncidentRecord; sla: Awaited<ReturnType<IncidentTimers['compute']>> }> = [];
  for (const r of incidents) slas.push({ record: r, sla: await timers.compute(r, nowMs) });
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s: Severity) => {
      const of = slas.filter((x) => x.record.severity === s);
      return [s, { total: of.length, response: tally(of.map((x) => x.sla.response)), resolution: tally(of.map((x) => x.sla.resolution)) }];
    }),
  );
  const ackDelays = incidents.filter((r) => r.acknowledgedAtMs !== null).map((r) => (r.acknowledgedAtMs as number) - r.openedAtMs);
  const fixDelays = incidents.filter((r) => r.resolvedAtMs !== null).map((r) => (r.resolvedAtMs as number) - r.openedAtMs);
  // The earliest instant a clock without an outcome becomes breached: the figures hold until then.
  let nextDueMs = Infinity;
  for (const t of slas.flatMap((x) => [x.sla.response, x.sla.resolution])) {
    if (t && !t.breached && t.stoppedAtMs === null && t.dueAtMs !== null) nextDueMs = Math.min(nextDueMs, t.dueAtMs);
  }
  return {
    nextDueMs,
    build: (complianceTarget: number | null) => ({
      total: incidents.length,
      by_severity: bySeverity,
      response: tally(slas.map((x) => x.sla.response)),
      resolution: tally(slas.map((x) => x.sla.resolution)),
      resolution_met_target: resolutionMetTarget(complianceTarget, tally(slas.map((x) => x.sla.resolution))),
      mtta_s: seconds(mean(ackDelays)),
      mttr_s: seconds(mean(fixDelays)),
    }),
  };
}
type Section = Awaited<ReturnType<typeof section>>;

export function createIncidentSections(deps: IncidentSectionDeps) {
  // On PostgreSQL other collectors write incidents this one's version never sees: keep a section only briefly there.
  const maxAgeMs = deps.maxAgeMs ?? (deps.store.dialect === 'postgres' ? SHARED_STORE_MAX_AGE_MS : MONTH_CACHE_MAX_AGE_MS);
  const cache = new Map<string, { atMs: number; validUntilMs: number; version: string; byContract: Map<string, Section>; empty: Section }>();
  const version = () => (deps.incidentsVersion ? `${deps.incidentsVersion()}:${deps.maintenanceVersion?.() ?? 0}` : null);

  return {
    /** The section of `contract` for incidents opened in [fromMs, toMs), as computed at `nowMs`. */
    async of(contract: string, fromMs: number, toMs: number, nowMs: number, complianceTarget: number | null) {
      const key = `${fromMs}:${toMs}`;
      // Taken before the reads: a write while they run moves it, so what they read is not used again.
      const v = version();
      let entry = cache.get(key);
      if (!entry || v === null || entry.version !== v || nowMs < entry.atMs || nowMs >= entry.validUntilMs) {
        const { items } = await listIncidents(deps.store.db, { fromMs, toMs, limit: 100_000, offset: 0 });
        const grouped = new Map<string, IncidentRecord[]>();
        for (const r of items) {
          if (r.parentId !== null) continue;
          const name = (await deps.timers.policyOf(r)).contract;
          if (name === null) continue;
          const list = grouped.get(name) ?? [];
          list.push(r);
          grouped.set(name, list);
        }
        const byContract = new Map<string, Section>();
        for (const [name, list] of grouped) byContract.set(name, await section(list, deps.timers, nowMs));
        const nextDue = Math.min(...[...byContract.values()].map((s) => s.nextDueMs));
        entry = { atMs: nowMs, validUntilMs: Math.min(nowMs + maxAgeMs, nextDue), version: v ?? '', byContract, empty: await section([], deps.timers, nowMs) };
        if (v !== null) {
          cache.set(key, entry);
          if (cache.size > 8) cache.delete(cache.keys().next().value as string);
        }
      }
      return (entry.byContract.get(contract) ?? entry.empty).build(complianceTarget);
    },
  };
}
