/**
 * Human-readable incident numbers `INC-YYYYMMDD-NNNN`: the day in the contract timezone (Asia/Shanghai) and a
 * per-day sequence kept in `incident_number_sequences`, allocated by `nextIncidentNumberAsync`
 * (../store/sql/incident-numbers.ts) inside the transaction that inserts the incident, so a number is never used
 * twice (not even by two collectors) nor skipped by a rolled-back insert.
 */

export const CONTRACT_TIME_ZONE = 'Asia/Shanghai';
export const INCIDENT_NUMBER_PATTERN = /^INC-(\d{8})-(\d{4,})$/;

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: CONTRACT_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `YYYYMMDD` of the instant in Asia/Shanghai. */
export function contractDay(ms: number): string {
  const parts = Object.fromEntries(dayFormat.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}${parts.month}${parts.day}`;
}

/** At least four digits; the 10 000th incident of a day simply gets five. */
export function formatIncidentNumber(day: string, seq: number): string {
  return `INC-${day}-${String(seq).padStart(4, '0')}`;
}

export function parseIncidentNumber(text: string): { day: string; seq: number } | null {
  const match = INCIDENT_NUMBER_PATTERN.exec(text);
  if (!match) return null;
  return { day: match[1] ?? '', seq: Number(match[2]) };
}
