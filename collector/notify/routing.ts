/**
 * Which channels get a notice. Pure. `notice.channels` (set by escalation levels) overrides the routes; otherwise
 * every route whose severities and kinds match contributes its channels (an absent or empty list matches all).
 * The result keeps first-seen order and has no duplicates.
 */
import type { IncidentNotice } from '../events.js';
import type { NotifyRoute } from './config.js';

export function routeMatches(route: NotifyRoute, notice: IncidentNotice): boolean {
  const severityOk = !route.severities?.length || route.severities.includes(notice.incident.severity);
  const kindOk = !route.kinds?.length || route.kinds.includes(notice.kind);
  return severityOk && kindOk;
}

export function selectChannels(notice: IncidentNotice, routes: readonly NotifyRoute[]): string[] {
  const names = notice.channels ?? routes.filter((route) => routeMatches(route, notice)).flatMap((route) => route.channels);
  return [...new Set(names)];
}
