/**
 * The two console links an IM card carries as buttons (issue "from the phone"): 查看工单 opens the incident,
 * 认领 opens it with the acknowledge dialog ready (only while it is open). Both exist only when the collector knows
 * its console's address (`api.public_url`); without it a card would have nowhere to go, and the channels keep
 * sending markdown.
 */
import { claimUrl } from './render.js';
import type { RenderedNotice } from './types.js';

export interface CardLink {
  title: string;
  url: string;
}

const LABELS = { 'zh-CN': { open: '查看工单', claim: '认领' }, en: { open: 'Open ticket', claim: 'Acknowledge' } } as const;

/** [查看工单, 认领?] for a notice whose incident has a console deep link (`…/#/incidents/INC-…`); [] otherwise. */
export function cardLinks(message: RenderedNotice): CardLink[] {
  const url = message.notice?.incident.url;
  if (!url || !url.includes('/#/incidents/')) return [];
  const labels = LABELS[message.lang ?? 'zh-CN'];
  const claim = claimUrl(message.notice);
  return [{ title: labels.open, url }, ...(claim ? [{ title: labels.claim, url: claim }] : [])];
}

/** The markdown without its last paragraph of links (the card's buttons carry them). */
export function markdownWithoutLinks(markdown: string, links: readonly CardLink[]): string {
  const cut = markdown.lastIndexOf('\n\n');
  if (cut < 0 || links.length === 0) return markdown;
  const last = markdown.slice(cut + 2);
  return links.every((l) => last.includes(`(${l.url})`)) ? markdown.slice(0, cut) : markdown;
}
