import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS } from '../../../../collector/sla/builtin-calendars.js';
import { compileCalendar } from '../../../../collector/sla/calendar.js';
import { dueEscalations, escalationSteps } from '../../../../collector/sla/escalation.js';
import { PRESET_ESCALATIONS } from '../../../../collector/sla/presets.js';
import type { EscalationChain } from '../../../../collector/sla/policy-types.js';
import type { IncidentFacts } from '../../../../collector/sla/timers.js';
import { parseInstant } from '../../../../collector/sla/zoned-time.js';

const M = 60_000;
const at = (t: string) => parseInstant(t, 'Asia/Shanghai')!;
const cal24 = compileCalendar(BUILTIN_CALENDARS['24x7']!);
const cal5x8 = compileCalendar(BUILTIN_CALENDARS['5x8']!);
const chain = PRESET_ESCALATIONS['commitment-004-p1']!;
const base: IncidentFacts = { openedAtMs: at('2024-11-04T10:00'), acknowledgedAtMs: null, resolvedAtMs: null, pauses: [], maintenance: [] };
const names = (steps: { level: { name: string } }[]) => steps.map((s) => s.level.name);

describe('escalation', () => {
  it('commitment-004 P1: project manager after 2 h, then technical director, then deputy GM', () => {
    expect(names(dueEscalations(chain, cal24, base, at('2024-11-04T11:59')))).toEqual([]);
    expect(names(dueEscalations(chain, cal24, base, at('2024-11-04T12:00')))).toEqual(['project-manager']);
    expect(names(dueEscalations(chain, cal24, base, at('2024-11-04T18:00')))).toEqual(['project-manager', 'technical-director', 'deputy-general-manager']);
  });

  it('a resolution chain continues after acknowledgement and stops at resolution', () => {
    const acked = { ...base, acknowledgedAtMs: at('2024-11-04T10:05') };
    expect(names(dueEscalations(chain, cal24, acked, at('2024-11-04T14:00')))).toEqual(['project-manager', 'technical-director']);
    const resolved = { ...base, resolvedAtMs: at('2024-11-04T13:00') };
    const steps = escalationSteps(chain, cal24, resolved, at('2024-11-05T00:00'));
    expect(steps.map((s) => [s.level.name, s.due, s.cancelled])).toEqual([
      ['project-manager', true, false],
      ['technical-director', false, true],
      ['deputy-general-manager', false, true],
    ]);
  });

  it('a response chain stops at acknowledgement', () => {
    const responseChain: EscalationChain = { name: 'r', timer: 'response', calendar: null, levels: [{ afterMs: 10 * M, name: 'duty-manager', channels: ['phone'] }] };
    expect(names(dueEscalations(responseChain, cal24, base, at('2024-11-04T10:10')))).toEqual(['duty-manager']);
    const acked = { ...base, acknowledgedAtMs: at('2024-11-04T10:09') };
    expect(escalationSteps(responseChain, cal24, acked, at('2024-11-04T11:00'))[0]).toMatchObject({ due: false, cancelled: true });
  });

  it('delays are working time of the calendar and skip pauses', () => {
    // Opened Friday 16:00 on 5x8: 2 h of working time = 1.5 h Friday + 0.5 h → Monday 09:30.
    const friday = { ...base, openedAtMs: at('2024-11-08T16:00') };
    expect(escalationSteps(chain, cal5x8, friday, at('2024-11-08T16:00'))[0]?.dueAtMs).toBe(at('2024-11-11T09:30'));
    const paused = { ...base, pauses: [{ startMs: at('2024-11-04T11:00'), endMs: at('2024-11-04T11:30'), reason: 'customer' }] };
    expect(escalationSteps(chain, cal24, paused, at('2024-11-04T10:00'))[0]?.dueAtMs).toBe(at('2024-11-04T12:30'));
  });
});

describe('escalation after a reopen', () => {
  it('no level falls due inside the resolved gap, and a reopen fires no burst of overdue levels', () => {
    // Opened 10:00, resolved 11:00 (1 h used), reopened the next day 09:00: the 2 h level is due 10:00 that day.
    const reopened: IncidentFacts = { ...base, resolvedGaps: [{ startMs: at('2024-11-04T11:00'), endMs: at('2024-11-05T09:00') }] };
    expect(names(dueEscalations(chain, cal24, reopened, at('2024-11-05T09:00')))).toEqual([]);
    const steps = escalationSteps(chain, cal24, reopened, at('2024-11-05T09:00'));
    expect(steps.map((s) => new Date(s.dueAtMs!).toISOString())).toEqual(['2024-11-05T02:00:00.000Z', '2024-11-05T04:00:00.000Z', '2024-11-05T08:00:00.000Z']);
    expect(names(dueEscalations(chain, cal24, reopened, at('2024-11-05T10:00')))).toEqual(['project-manager']);
  });
});
