/**
 * What a notice needs beyond the incident service's facts, added just before the dispatcher renders it: the check
 * finding behind the incident (its code and parameters, from the newest result of that target and check) and when
 * the response and the resolution are due (the SLA clocks at the notice's instant).
 */
import type { ResultMessage } from '../../common/protocol.js';
import type { IncidentNotice } from '../events.js';

/** At most this many (target, check) findings are remembered (the oldest are forgotten first). */
const MAX_FINDINGS = 100_000;
const DUE_KINDS = new Set<IncidentNotice['kind']>(['opened', 'reopened', 'escalated']);

export interface NoticeContextDeps {
  /** Due instants of an incident's clocks at `atMs`; null when it has no SLA (or it cannot be computed). */
  dueOf(incidentId: number, atMs: number): { responseAtMs: number | null; resolutionAtMs: number | null } | null;
}

export function createNoticeContext(deps: NoticeContextDeps) {
  const findings = new Map<string, NonNullable<IncidentNotice['finding']>>();
  const key = (target: string, checkId: string) => `${target}\u0000${checkId}`;
  return {
    /** Remembers the newest finding of every (target, check) that reports one. */
    onResult(m: ResultMessage): void {
      const k = key(m.target, m.check_id);
      findings.delete(k);
      if (m.state === 'ok') return;
      findings.set(k, { code: m.code ?? null, params: m.params ?? null, message: m.message });
      if (findings.size > MAX_FINDINGS) findings.delete(findings.keys().next().value as string);
    },
    enrich(notice: IncidentNotice): IncidentNotice {
      const { target, checkId } = notice.incident;
      const finding = notice.finding ?? (target && checkId ? findings.get(key(target, checkId)) : undefined);
      const due = notice.due ?? (DUE_KINDS.has(notice.kind) ? deps.dueOf(notice.incident.id, notice.atMs) : null);
      return { ...notice, ...(finding?.code ? { finding } : {}), ...(due ? { due } : {}) };
    },
  };
}
