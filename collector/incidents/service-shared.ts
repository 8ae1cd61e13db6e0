/** What the incident service's parts share: title and note helpers, and resolving (which unfolds children). */
import type { Severity } from '../events.js';
import { clip, english, type CodedText } from './texts.js';
import { findActiveChildren, updateIncident, type IncidentRecord } from './repository.js';
import type { IncidentUnit, PendingNotice, Work } from './service-unit.js';

/** What reopening an incident clears: it is active again, neither acknowledged nor resolved. */
export const REOPENED = { acknowledgedAtMs: null, acknowledgedBy: null, resolvedAtMs: null, resolvedBy: null, cause: null, resolution: null } as const;

/** Actor name of everything the collector does by itself. */
export const SYSTEM_ACTOR = 'system';

/** P1 is the most urgent. */
export const SEVERITY_RANK: Record<Severity, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * The timeline data of a retitle (a reopened incident takes the title of its new cause): the previous title (English
 * text) and, when it had one, its code + params, so the timeline shows the old title in the reader's language.
 */
export function retitled(before: IncidentRecord | null | undefined, after: string, afterText?: CodedText): { previous_title?: string; previous_title_code?: string; previous_title_params?: unknown } {
  if (!before) return {};
  const same = afterText && before.titleCode ? before.titleCode === afterText.code && JSON.stringify(before.titleParams) === JSON.stringify(afterText.params) : before.title === after;
  if (same) return {};
  return { previous_title: before.title, ...(before.titleCode ? { previous_title_code: before.titleCode, previous_title_params: before.titleParams } : {}) };
}

/** Whether a keyed input names the incident as its current title does. */
export function sameTitle(record: IncidentRecord, input: { title: string; titleText?: CodedText }): boolean {
  if (input.titleText && record.titleCode) return record.titleCode === input.titleText.code && JSON.stringify(record.titleParams) === JSON.stringify(input.titleText.params);
  return record.title === input.title && !input.titleText === !record.titleCode;
}

/** The stored title fields of a keyed input (English `title` plus its code when given). */
export function keyedTitle(input: { title: string; titleText?: CodedText }) {
  return input.titleText
    ? { title: clip(english(input.titleText)), titleCode: input.titleText.code, titleParams: input.titleText.params }
    : { title: input.title, titleCode: null, titleParams: null };
}

/** A pending notice's note written by the collector: its English text plus its code. */
export function coded(text: CodedText): { note: string; noteText: CodedText } {
  return { note: english(text), noteText: text };
}

/** The notice note of a keyed input's description: coded when it has a code, as given otherwise. */
export function descriptionNote(input: { description?: string; descriptionText?: CodedText }): { note?: string; noteText?: CodedText } {
  if (input.descriptionText) return coded(input.descriptionText);
  return input.description ? { note: input.description } : {};
}

/** Resolving, by the collector or a person, in the caller's unit of work. */
export function createResolver(unit: IncidentUnit) {
  /** Children still active when their host incident ends become independent and are paged now. */
  async function promoteChildren({ trx, atMs, pending }: Work, parent: IncidentRecord): Promise<void> {
    for (const child of await findActiveChildren(trx, parent.id)) {
      await updateIncident(trx, child.id, { parentId: null, updatedAtMs: atMs });
      await unit.timeline(trx, child.id, atMs, SYSTEM_ACTOR, 'unfolded', null, null, { code: 'note.unfolded', params: { parent: parent.number } });
      pending.push({ kind: 'opened', incidentId: child.id, ...coded({ code: 'note.was_folded', params: { parent: parent.number } }) } satisfies PendingNotice);
    }
  }

  /** `resolutionText` when the collector resolved it (code + params); a person's resolution stays as typed. */
  return async function applyResolve(w: Work, record: IncidentRecord, actor: string, cause: string, resolution: string, resolutionText?: CodedText): Promise<IncidentRecord> {
    const { trx, atMs, pending } = w;
    const updated = await updateIncident(trx, record.id, { status: 'resolved', resolvedAtMs: atMs, resolvedBy: actor, cause, resolution, updatedAtMs: atMs });
    await unit.timeline(trx, record.id, atMs, actor, 'resolved', resolution, { cause }, resolutionText);
    pending.push({ kind: 'resolved', incidentId: record.id, actor, ...(resolutionText ? coded(resolutionText) : { note: resolution }) });
    await promoteChildren(w, record);
    return updated;
  };
}

export type ApplyResolve = ReturnType<typeof createResolver>;
