/**
 * SLA engine benchmark: availability for 10,000 targets × 30 state changes over one month, due instants for
 * 100,000 incidents, and a plain better-sqlite3 scan of the same interval rows as the peer figure.
 * Build and run: npm run bench -- sla
 */
import Database from 'better-sqlite3';
import { availabilityWindow, computeAvailability, monthPeriod } from '../../collector/sla/availability.js';
import { BUILTIN_CALENDARS } from '../../collector/sla/builtin-calendars.js';
import { addBusinessMs, businessMsBetween } from '../../collector/sla/business-time.js';
import { compileCalendar, type BusinessCalendar } from '../../collector/sla/calendar.js';
import { incidents, stateHistories } from './data.js';

const TARGETS = 10_000;
const CHANGES = 30;
const INCIDENTS = 100_000;
const GOAL_AVAILABILITY_S = 0.5;
const GOAL_DUE_S = 1;

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function line(name: string, s: number, extra = ''): void {
  process.stdout.write(`${name.padEnd(58)} ${s.toFixed(3).padStart(7)} s${extra ? `  ${extra}` : ''}\n`);
}

const october = monthPeriod('Asia/Shanghai', '2024-10');
if (!october) throw new Error('bad period');
const period = october;
const histories = stateHistories(TARGETS, CHANGES, period.fromMs, period.toMs);
const rows = histories.reduce((n, h) => n + h.length, 0);
const opts = { targetPercent: 99.9, unknownPolicy: 'excluded' as const, warnCountsAsUp: true };
process.stdout.write(`SLA engine benchmark — node ${process.version}, ${TARGETS} targets × ${CHANGES} changes (${rows} intervals), ${INCIDENTS} incidents\n`);

function availabilityRun(calendar: BusinessCalendar): number {
  let checksum = 0;
  const s = seconds(() => {
    const window = availabilityWindow(calendar, period.fromMs, period.toMs);
    for (const history of histories) checksum += computeAvailability(window, history, [], opts).downMs;
  });
  if (!Number.isFinite(checksum)) throw new Error('bad checksum');
  return s;
}

for (const name of ['24x7', '5x8'] as const) {
  const calendar = compileCalendar(BUILTIN_CALENDARS[name]!);
  const cold = availabilityRun(calendar);
  const warm = Math.min(availabilityRun(calendar), availabilityRun(calendar));
  line(`availability, ${TARGETS} targets, 1 month, calendar ${name} (cold)`, cold);
  line(`availability, ${TARGETS} targets, 1 month, calendar ${name} (warm)`, warm, `goal ≤ ${GOAL_AVAILABILITY_S} s ${warm <= GOAL_AVAILABILITY_S ? 'met' : 'MISSED'}`);
}

const jobs = incidents(INCIDENTS, Date.parse('2024-01-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'));
for (const name of ['24x7', '5x8', '5x8-0800'] as const) {
  const calendar = compileCalendar(BUILTIN_CALENDARS[name]!);
  let last = 0;
  const cold = seconds(() => {
    for (const job of jobs) last = addBusinessMs(calendar, job.openedAtMs, job.durationMs) ?? 0;
  });
  const warm = seconds(() => {
    for (const job of jobs) last = addBusinessMs(calendar, job.openedAtMs, job.durationMs) ?? 0;
  });
  line(`due instants, ${INCIDENTS} incidents, calendar ${name} (cold)`, cold);
  line(`due instants, ${INCIDENTS} incidents, calendar ${name} (warm)`, warm, `goal ≤ ${GOAL_DUE_S} s ${warm <= GOAL_DUE_S ? 'met' : 'MISSED'}`);
  const elapsed = seconds(() => {
    for (const job of jobs) last += businessMsBetween(calendar, job.openedAtMs, job.openedAtMs + 3 * job.durationMs);
  });
  line(`elapsed working time, ${INCIDENTS} incidents, calendar ${name}`, elapsed);
  if (!Number.isFinite(last)) throw new Error('bad result');
}

// Peer: the same interval rows in SQLite (in memory), scanned once in order, and summed per target in SQL.
const db = new Database(':memory:');
db.exec('CREATE TABLE state_intervals (target INTEGER, start_ms INTEGER, end_ms INTEGER, state TEXT)');
db.exec('CREATE INDEX state_intervals_target ON state_intervals (target, start_ms)');
const insert = db.prepare('INSERT INTO state_intervals VALUES (?, ?, ?, ?)');
db.transaction(() => {
  histories.forEach((history, target) => {
    for (const iv of history) insert.run(target, iv.startMs, iv.endMs ?? period.toMs, iv.state);
  });
})();
let scanned = 0;
const scan = seconds(() => {
  scanned = db.prepare('SELECT target, start_ms, end_ms, state FROM state_intervals ORDER BY target, start_ms').all().length;
});
line(`peer: better-sqlite3 scan of ${scanned} interval rows`, scan);
const sum = seconds(() => {
  db.prepare("SELECT target, SUM(end_ms - start_ms) AS down FROM state_intervals WHERE state = 'crit' GROUP BY target").all();
});
line(`peer: better-sqlite3 SUM(down) GROUP BY target (no calendar)`, sum);
db.close();
