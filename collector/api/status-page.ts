/**
 * GET /api/v1/status/:secret — a contract's read-only status page, reached by the secret link in
 * `api.status_pages` without a login: the contract's targets now, this month's availability against the target,
 * and the month's incidents with their response/resolution outcome. Nothing else is visible through it (no
 * messages, no actors, no notes). Unknown secrets answer 404 after a constant-time comparison.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { CheckState } from '../../common/protocol.js';
import { listIncidents } from '../incidents/repository.js';
import type { SlaService } from '../sla-service/service.js';
import { getCalendar } from '../sla/setup.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { ChecksRepo } from '../store/sql/checks-repo.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';
import type { StatusPageConfig } from './console-config.js';
import { HttpError } from './errors.js';

const WORST: Record<CheckState, number> = { ok: 0, unknown: 1, warn: 2, crit: 3 };
const digest = (text: string) => createHash('sha256').update(text).digest();

export interface StatusPageDeps {
  store: SqlStore;
  sla: SlaService;
  checks: ChecksRepo;
  intervals: IntervalsRepo;
  pages: readonly StatusPageConfig[];
  now: () => number;
}

/** `YYYY-MM` of an instant in a time zone. */
export function periodOf(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(ms);
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

export function createStatusPageRouter(deps: StatusPageDeps): Router {
  const router = Router();
  const pages = deps.pages.map((p) => ({ ...p, digest: digest(p.secret) }));

  router.get('/:secret', async (req, res) => {
    const presented = digest(String(req.params.secret));
    const page = pages.find((p) => timingSafeEqual(p.digest, presented));
    if (!page) throw new HttpError(404, 'no such status page');
    const nowMs = deps.now();
    const contract = deps.sla.setup.contracts.find((c) => c.name === page.contract);
    if (!contract) throw new HttpError(404, 'no such status page');
    const summary = await deps.sla.summary.forPeriod(periodOf(nowMs, firstZone(deps.sla, contract.calendar)));
    const mine = summary.contracts.find((c) => c.name === page.contract);
    const members = new Set(await deps.sla.availability.contractMembers(contract));
    const open = new Map((await deps.intervals.openAll(deps.store.db)).map((i) => [`${i.agentId}\u0000${i.checkId}`, i]));
    const states = new Map<string, { state: CheckState | null; since_ms: number | null; checks: number }>();
    for (const c of await deps.checks.all(deps.store.db)) {
      if (!members.has(c.target)) continue;
      const interval = open.get(`${c.agentId}\u0000${c.checkId}`);
      const entry = states.get(c.target) ?? { state: null, since_ms: null, checks: 0 };
      entry.checks += 1;
      if (interval && (entry.state === null || WORST[interval.state] > WORST[entry.state])) {
        entry.state = interval.state;
        entry.since_ms = interval.startMs;
      }
      states.set(c.target, entry);
    }
    const fromMs = mine ? Date.parse(mine.from) : nowMs;
    const toMs = mine ? Date.parse(mine.to) : nowMs;
    const incidents = [];
    for (const r of (await listIncidents(deps.store.db, { fromMs, toMs, limit: 1000, offset: 0 })).items) {
      if (r.parentId !== null || (await deps.sla.timers.policyOf(r)).contract !== page.contract) continue;
      const sla = await deps.sla.timers.json(r, nowMs);
      incidents.push({
        number: r.number,
        title: r.title,
        severity: r.severity,
        status: r.status,
        target: r.target,
        opened_at_ms: r.openedAtMs,
        resolved_at_ms: r.resolvedAtMs,
        response: { met: sla.response?.met ?? null, breached: sla.response?.breached ?? false },
        resolution: { met: sla.resolution?.met ?? null, breached: sla.resolution?.breached ?? false },
      });
    }
    res.set('cache-control', 'no-store');
    res.set('x-robots-tag', 'noindex');
    res.json({
      contract: page.contract,
      period: summary.period,
      time_zone: mine?.time_zone ?? null,
      availability_target: contract.availabilityTarget,
      generated_at_ms: nowMs,
      targets: [...members].sort().map((target) => {
        const member = mine?.members.find((m) => m.target === target);
        const now = states.get(target);
        return {
          target,
          state: now?.state ?? null,
          since_ms: now?.since_ms ?? null,
          availability_percent: member?.availability_percent ?? null,
          target_met: member?.target_met ?? null,
          downtime_s: member?.downtime_s ?? null,
          allowed_downtime_s: member?.allowed_downtime_s ?? null,
        };
      }),
      incidents,
    });
  });
  return router;
}

function firstZone(sla: SlaService, calendar: string): string {
  return getCalendar(sla.setup, calendar).spec.timeZone;
}
