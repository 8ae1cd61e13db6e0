/**
 * An incident's words in a report's language: its title (title code + params), the cause and resolution the
 * collector wrote when it resolved the incident by itself (the `resolved` timeline entry's code; a person's cause and
 * resolution stay as typed) and its timeline notes. Rows older than codes show their stored text.
 */
import type { Lang } from '../../common/humanize.js';
import { renderFinding } from '../../common/findings.js';
import { listTimeline, type IncidentRecord, type TimelineEntry } from '../incidents/repository.js';
import { localized } from '../incidents/texts.js';
import type { OutageFinding } from '../sla-service/outages.js';
import type { Q } from '../store/sql/sql-helpers.js';

/** Causes the collector records when it resolves an incident itself (a person types their own). */
const SYSTEM_CAUSES: Record<string, Record<Lang, string>> = {
  recovered: { 'zh-CN': '已自动恢复', en: 'recovered' },
};

export function incidentTitle(r: IncidentRecord, lang: Lang, timeZone: string): string {
  return localized(r.title, r.titleCode, r.titleParams, lang, timeZone) ?? r.title;
}

export function timelineNote(e: TimelineEntry, lang: Lang, timeZone: string): string | null {
  return localized(e.note, e.noteCode, e.noteParams, lang, timeZone);
}

/** The timeline a resolved incident's words need (none for an open one): read it before rendering. */
export async function timelineForTexts(q: Q, r: IncidentRecord): Promise<TimelineEntry[]> {
  return r.resolvedAtMs === null ? [] : await listTimeline(q, r.id);
}

/** Cause and resolution in `lang` when the collector resolved it; as typed when a person did. Pure: `timeline` is the incident's (timelineForTexts). */
export function resolutionTexts(r: IncidentRecord, lang: Lang, timeZone: string, timeline: readonly TimelineEntry[]): { cause: string | null; resolution: string | null } {
  if (r.resolvedAtMs === null) return { cause: r.cause, resolution: r.resolution };
  const entries = timeline;
  const resolved = [...entries].reverse().find((e) => e.kind === 'resolved');
  const coded = resolved?.noteCode ? timelineNote(resolved, lang, timeZone) : null;
  const cause = r.cause !== null && coded !== null ? (SYSTEM_CAUSES[r.cause]?.[lang] ?? r.cause) : r.cause;
  return { cause, resolution: coded ?? r.resolution };
}

/** An outage without an incident: what its member checks said, each finding in `lang` (its message without a code). */
export function outageCause(findings: readonly OutageFinding[], lang: Lang): string {
  return findings.map((f) => renderFinding(f, lang)).join(lang === 'zh-CN' ? '；' : '; ');
}
