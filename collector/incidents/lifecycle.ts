/**
 * Ticket lifecycle open → acknowledged → resolved → closed, plus reopen (resolved → open). Pure: says whether a
 * person's action is legal from a status and what the status becomes; illegal ones become HTTP 409.
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type LifecycleAction = 'acknowledge' | 'resolve' | 'close' | 'reopen';

const ALLOWED: Record<LifecycleAction, { from: readonly IncidentStatus[]; to: IncidentStatus }> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  // A closed ticket is final (its fault report may be out); a new failure gets a new number.
  reopen: { from: ['resolved'], to: 'open' },
};

export function transition(from: IncidentStatus, action: LifecycleAction): IncidentStatus | null {
  const rule = ALLOWED[action];
  return rule.from.includes(from) ? rule.to : null;
}

/** Open and acknowledged incidents still need work; the dedup key admits only one of them. */
export function isActive(status: IncidentStatus): boolean {
  return status === 'open' || status === 'acknowledged';
}
