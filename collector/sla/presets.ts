/**
 * The SLA presets of DESIGN.md §5, from the service-commitment documents in shared/seeds. Durations the
 * sources give in working days are `Nwd` of the calendar (N × its working-day length: 5x8 = 8.5 h, 5x8-0800 = 9 h);
 * durations in days on 24x7 are N × 24 h. Where a source gives no calendar, urgent levels run on 24x7 and the others on the
 * source's 5x8 hours; where it gives the first escalation delay only, later levels double it.
 */
import type { Severity } from '../events.js';
import { BUILTIN_CALENDARS } from './builtin-calendars.js';
import type { EscalationChain, SeverityPolicy, SlaPolicy } from './policy-types.js';
import { presetText } from './preset-texts.js';
import { resolveSlaDuration } from './working-days.js';

const M = 60_000;
const H = 60 * M;

function sev(response: [number, string] | null, resolution: [number, string] | null, escalation: string | null = null): SeverityPolicy {
  return {
    response: response ? { afterMs: response[0], calendar: response[1] } : null,
    resolution: resolution ? { afterMs: resolution[0], calendar: resolution[1] } : null,
    escalation,
  };
}

/** A preset's description by what it promises (preset-texts.ts; English — reports show the reader's language). */
function described(id: string): string {
  return presetText(id, 'en')?.description ?? id;
}

function policy(
  name: string,
  description: string,
  severities: Record<Severity, SeverityPolicy>,
  extra: Partial<Pick<SlaPolicy, 'availabilityTarget' | 'complianceTarget' | 'resolutionStarts' | 'extensions'>> = {},
): SlaPolicy {
  return {
    name,
    description,
    severities,
    availabilityTarget: extra.availabilityTarget ?? null,
    complianceTarget: extra.complianceTarget ?? null,
    extensions: extra.extensions ?? [],
    resolutionStarts: extra.resolutionStarts ?? 'opened',
  };
}

export const DEFAULT_POLICY = 'levels-i-iv';

export const PRESET_ESCALATIONS: Readonly<Record<string, EscalationChain>> = {
  // Seed 004: 如故障发生二个小时后仍未解决 … 项目经理 → 技术总监 → 技术副总 (only the first delay is given).
  'commitment-004-p1': {
    name: 'commitment-004-p1',
    timer: 'resolution',
    calendar: null,
    levels: [
      { afterMs: 2 * H, name: 'project-manager', channels: [] },
      { afterMs: 4 * H, name: 'technical-director', channels: [] },
      { afterMs: 8 * H, name: 'deputy-general-manager', channels: [] },
    ],
  },
  // Seed 004 fault table: handling plan within 2 h at every level; level I unresolved at 12 h → contingency plan by 16 h.
  'levels-i-iv-p1': {
    name: 'levels-i-iv-p1',
    timer: 'resolution',
    calendar: null,
    levels: [
      { afterMs: 2 * H, name: 'handling-plan-due', channels: [] },
      // 如果不能于 12 小时内解决故障，我公司将在 16 小时内提出应急方案: the plan is due at 16 h.
      { afterMs: 16 * H, name: 'contingency-plan-due', channels: [] },
    ],
  },
  'levels-i-iv': {
    name: 'levels-i-iv',
    timer: 'resolution',
    calendar: null,
    levels: [{ afterMs: 2 * H, name: 'handling-plan-due', channels: [] }],
  },
  // Seed 000: start recovery within 4 h, restore within 8 h.
  'commitment-000': {
    name: 'commitment-000',
    timer: 'resolution',
    calendar: null,
    levels: [{ afterMs: 4 * H, name: 'recovery-start-due', channels: [] }],
  },
};

/** N working days of a built-in calendar (`Nwd`: N × its Monday–Friday working-hours length). */
function wd(days: number, calendar: '5x8' | '5x8-0800'): [number, string] {
  const spec = BUILTIN_CALENDARS[calendar];
  const ms = spec ? resolveSlaDuration({ kind: 'wd', days, text: `${days}wd` }, spec) : 'missing calendar';
  if (typeof ms === 'string') throw new Error(`preset working days on ${calendar}: ${ms}`);
  return [ms, calendar];
}

export const PRESET_POLICIES: Readonly<Record<string, SlaPolicy>> = {
  'levels-i-iv': policy('levels-i-iv', described('levels-i-iv'), {
    P1: sev([30 * M, '24x7'], [12 * H, '24x7'], 'levels-i-iv-p1'),
    P2: sev([30 * M, '24x7'], [24 * H, '24x7'], 'levels-i-iv'),
    P3: sev([30 * M, '24x7'], [48 * H, '24x7'], 'levels-i-iv'),
    P4: sev([30 * M, '24x7'], [120 * H, '24x7'], 'levels-i-iv'),
  }),
  'commitment-004': policy('commitment-004', described('commitment-004'), {
    P1: sev([15 * M, '24x7'], null, 'commitment-004-p1'),
    P2: sev([1 * H, '5x8'], [12 * H, '5x8']),
    P3: sev([1 * H, '5x8'], wd(2, '5x8')),
    P4: sev([1 * H, '5x8'], wd(2, '5x8')),
  }),
  'contract-003': policy(
    'contract-003',
    described('contract-003'),
    {
      P1: sev([30 * M, '24x7'], [8 * H, '24x7']),
      P2: sev([30 * M, '24x7'], [8 * H, '24x7']),
      P3: sev([30 * M, '24x7'], [24 * H, '24x7']),
      P4: sev([30 * M, '24x7'], [24 * H, '24x7']),
    },
    // 事件解决时间: 从确认收到事件报告到解决事件 — the resolution clock starts at acknowledgement. Extending the
    // resolution time of 高/中 incidents needs the customer representative's agreement.
    { availabilityTarget: 98, complianceTarget: 95, resolutionStarts: 'acknowledged', extensions: ['P2', 'P3'] },
  ),
  'emergency-001': policy('emergency-001', described('emergency-001'), {
    P1: sev([15 * M, '24x7'], [8 * H, '24x7']),
    P2: sev([30 * M, '24x7'], [4 * H, '24x7']),
    P3: sev([1 * H, '24x7'], [2 * H, '24x7']),
    P4: sev([1 * H, '24x7'], [2 * H, '24x7']),
  }),
  'four-level-001': policy('four-level-001', described('four-level-001'), {
    P1: sev([30 * M, '24x7'], [2 * H, '24x7']),
    P2: sev([4 * H, '24x7'], [12 * H, '24x7']),
    P3: sev([24 * H, '24x7'], wd(5, '5x8-0800')),
    P4: sev(wd(5, '5x8-0800'), wd(10, '5x8-0800')),
  }),
  'commitment-000': policy(
    'commitment-000',
    described('commitment-000'),
    {
      P1: sev([1 * H, '24x7'], [8 * H, '24x7'], 'commitment-000'),
      P2: sev([1 * H, '24x7'], [8 * H, '24x7'], 'commitment-000'),
      P3: sev([1 * H, '24x7'], [8 * H, '24x7'], 'commitment-000'),
      P4: sev([1 * H, '24x7'], [8 * H, '24x7'], 'commitment-000'),
    },
    { availabilityTarget: 99.9 },
  ),
};
