/**
 * `outpost sla holidays import FILE.ics --set cn`: turns an iCalendar file of public holidays (a government or
 * calendar-vendor feed) into the `sla.holiday_data` YAML block. Events whose summary marks a working day (班, 补班,
 * 上班) become `work`; every other all-day event is `off`; events with a time of day are skipped. The mapping — each
 * event, its days and what it became — is printed as YAML comments above the block, for review before pasting.
 */
import ICAL from 'ical.js';
import { dayKey, dayNumber } from '../sla/zoned-time.js';

export const WORK_MARKERS = /班|上班|补班/;

export interface ImportedHolidays {
  /** year → sorted epoch days. */
  off: Map<number, number[]>;
  work: Map<number, number[]>;
  /** One line per event: what it became. */
  mapping: string[];
}

export class IcsError extends Error {}

function dayOf(t: { year: number; month: number; day: number }): number {
  return dayNumber(t.year, t.month, t.day);
}

function add(map: Map<number, number[]>, day: number): void {
  const year = Number(dayKey(day).slice(0, 4));
  const list = map.get(year) ?? [];
  if (!list.includes(day)) list.push(day);
  map.set(year, list);
}

/** Consecutive days as `a..b` ranges. */
export function compressDays(days: readonly number[]): string[] {
  const sorted = [...days].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i] as number;
    out.push(start === end ? dayKey(start) : `${dayKey(start)}..${dayKey(end)}`);
    i++;
  }
  return out;
}

/** Parses the iCalendar text; throws IcsError with the parser's reason on a broken file. */
export function importIcs(text: string): ImportedHolidays {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new IcsError(`not an iCalendar file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const events = root.name === 'vevent' ? [root] : root.getAllSubcomponents('vevent');
  if (events.length === 0) throw new IcsError('no events (VEVENT) in the file');
  const result: ImportedHolidays = { off: new Map(), work: new Map(), mapping: [] };
  for (const component of events) {
    const event = new ICAL.Event(component);
    const summary = (event.summary ?? '').trim() || '(no summary)';
    const start = event.startDate;
    if (!start) continue;
    if (!start.isDate) {
      result.mapping.push(`skipped   ${start.toString()}  "${summary}" (has a time of day: not an all-day event)`);
      continue;
    }
    const first = dayOf(start);
    // DTEND of an all-day event is exclusive; without one the event is that single day.
    const end = event.endDate && event.endDate.isDate ? dayOf(event.endDate) : first + 1;
    const last = Math.max(first, end - 1);
    const kind = WORK_MARKERS.test(summary) ? 'work' : 'off';
    for (let d = first; d <= last; d++) add(kind === 'work' ? result.work : result.off, d);
    const range = first === last ? dayKey(first) : `${dayKey(first)}..${dayKey(last)}`;
    const recurring = component.hasProperty('rrule') ? ' (RRULE ignored: only the first occurrence is taken)' : '';
    result.mapping.push(`${kind.padEnd(4)}  ${range}  "${summary}"${recurring}`);
  }
  return result;
}

/** The `sla.holiday_data.<set>` YAML block, the mapping as comments above it. */
export function holidayYaml(imported: ImportedHolidays, set: string): string {
  const years = [...new Set([...imported.off.keys(), ...imported.work.keys()])].sort((a, b) => a - b);
  const list = (days: readonly number[] | undefined) => `[${compressDays(days ?? []).map((d) => JSON.stringify(d)).join(', ')}]`;
  const lines = [
    `# ${imported.mapping.length} event(s): summaries with 班 / 补班 / 上班 are working days (work), other all-day events days off (off).`,
    '# Review the mapping, then paste the block into the collector config. A year listed here is declared complete.',
    ...imported.mapping.map((m) => `#   ${m}`),
    'sla:',
    '  holiday_data:',
    `    ${set}:`,
  ];
  for (const year of years) {
    lines.push(`      "${year}":`, `        off: ${list(imported.off.get(year))}`, `        work: ${list(imported.work.get(year))}`);
  }
  return `${lines.join('\n')}\n`;
}
