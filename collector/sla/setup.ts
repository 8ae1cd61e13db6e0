/**
 * Turns the validated `sla:` config into the engine's runtime objects: compiled calendars (built-ins plus
 * config), policies (presets plus config, `extends` applied), escalation chains, contracts and maintenance
 * windows — and resolves which contract/policy applies to a (target, groups) pair.
 */
import { SEVERITIES, type Severity } from '../events.js';
import { BUILTIN_CALENDARS } from './builtin-calendars.js';
import { allWeek, calendarWarnings, compileCalendar, missingHolidayYears, yearsBetween, type BusinessCalendar, type CalendarSpec } from './calendar.js';
import type { SlaConfig } from './config.js';
import { holidayTable } from './holiday-data.js';
import type { HolidayTable } from './holidays-cn.js';
import { parseWeeklyHours, parseWindows } from './hours.js';
import type { MaintenanceWindow } from './maintenance.js';
import type { EscalationChain, SeverityPolicy, SlaPolicy } from './policy-types.js';
import { PRESET_ESCALATIONS, PRESET_POLICIES } from './presets.js';
import { PRESET_ALIASES, presetId } from './preset-texts.js';
import { resolveSlaDuration, type SlaDuration } from './working-days.js';
import { parseDayKey } from './zoned-time.js';

export interface Contract {
  name: string;
  policy: string;
  /** Calendar name for availability (contract time). */
  calendar: string;
  /** Percent. */
  availabilityTarget: number;
  /** Percent of resolution clocks with an outcome that must be met (the contract's, else its policy's); null: none. */
  complianceTarget: number | null;
  targets: readonly string[];
  groups: readonly string[];
  /** `members: { all: true }`: every target. */
  all: boolean;
  /** Average customer evaluation asked for, 0-100. */
  satisfactionTarget: number;
}

export interface SlaSetup {
  warnAt: number;
  unknownPolicy: 'excluded' | 'up' | 'down';
  warnCountsAsUp: boolean;
  defaultPolicy: string;
  calendars: ReadonlyMap<string, BusinessCalendar>;
  policies: ReadonlyMap<string, SlaPolicy>;
  escalations: ReadonlyMap<string, EscalationChain>;
  contracts: readonly Contract[];
  maintenance: readonly MaintenanceWindow[];
}

export class UnknownNameError extends Error {}

function days(keys: readonly string[]): number[] {
  return keys.map((k) => parseDayKey(k)).filter((d): d is number => d !== null);
}

export function calendarSpecFromConfig(name: string, cal: SlaConfig['calendars'][string]): CalendarSpec {
  const week = cal.hours === '24x7' ? allWeek() : parseWeeklyHours(cal.hours);
  if (typeof week === 'string') throw new Error(`calendar ${name}: ${week}`); // the schema rejected this already
  const makeup = cal.makeup_hours === undefined ? undefined : parseWindows(cal.makeup_hours);
  if (typeof makeup === 'string') throw new Error(`calendar ${name}: ${makeup}`);
  const spec: CalendarSpec = {
    name,
    timeZone: cal.timezone,
    week,
    chinaHolidays: (cal.holidays ?? (cal.hours === '24x7' ? 'none' : 'cn')) === 'cn',
    extraHolidays: days(cal.extra_holidays),
    extraWorkdays: days(cal.extra_workdays),
  };
  if (makeup) spec.makeupWindows = makeup;
  return spec;
}

function policyFromConfig(name: string, p: SlaConfig['policies'][string], calendars: ReadonlyMap<string, BusinessCalendar>): SlaPolicy {
  const base = p.extends ? PRESET_POLICIES[presetId(p.extends)] : undefined;
  const severities = {} as Record<Severity, SeverityPolicy>;
  for (const s of SEVERITIES) {
    const from = base?.severities[s] ?? { response: null, resolution: null, escalation: null };
    const o = p.severities[s] ?? {};
    const timer = (d: SlaDuration | null | undefined, calendarName: string | undefined, prev: SeverityPolicy['response']) => {
      if (d === null) return null;
      const calendar = calendarName ?? p.calendar ?? prev?.calendar ?? '24x7';
      if (d === undefined) return prev ? { afterMs: prev.afterMs, calendar } : null;
      const spec = calendars.get(calendar)?.spec;
      const afterMs = spec ? resolveSlaDuration(d, spec) : `unknown calendar "${calendar}"`;
      if (typeof afterMs === 'string') throw new Error(`policy ${name}: ${afterMs}`); // the schema rejected this already
      return { afterMs, calendar };
    };
    severities[s] = {
      response: timer(o.response, o.response_calendar, from.response),
      resolution: timer(o.resolution, o.resolution_calendar, from.resolution),
      escalation: o.escalation === undefined ? from.escalation : o.escalation,
    };
  }
  return {
    name,
    description: p.description ?? base?.description ?? name,
    severities,
    availabilityTarget: p.availability_target ?? base?.availabilityTarget ?? null,
    complianceTarget: p.compliance_target ?? base?.complianceTarget ?? null,
    resolutionStarts: p.resolution_starts ?? base?.resolutionStarts ?? 'opened',
    extensions: p.extensions ?? base?.extensions ?? [],
  };
}

function maintenanceFromConfig(m: SlaConfig['maintenance'][number]): MaintenanceWindow {
  const base = { name: m.name, targets: m.targets, groups: m.groups };
  if (m.rrule !== undefined) return { ...base, schedule: { kind: 'rrule', rule: m.rrule, durationMs: m.duration ?? 0, timeZone: m.timezone } };
  if (m.cron !== undefined) return { ...base, schedule: { kind: 'cron', pattern: m.cron, durationMs: m.duration ?? 0, timeZone: m.timezone } };
  return { ...base, schedule: { kind: 'once', startMs: Date.parse(m.start ?? ''), endMs: Date.parse(m.end ?? '') } };
}

/** Builds the runtime from a config that passed slaConfigSchema. */
export function createSlaSetup(config: SlaConfig): SlaSetup {
  const holidays: HolidayTable = holidayTable(config.holiday_data);
  const withHolidays = (spec: CalendarSpec): CalendarSpec => (spec.chinaHolidays ? { ...spec, holidayTable: holidays } : spec);
  const calendars = new Map<string, BusinessCalendar>();
  for (const [name, spec] of Object.entries(BUILTIN_CALENDARS)) calendars.set(name, compileCalendar(withHolidays(spec)));
  for (const [name, cal] of Object.entries(config.calendars)) calendars.set(name, compileCalendar(withHolidays(calendarSpecFromConfig(name, cal))));
  const policies = new Map<string, SlaPolicy>(Object.entries(PRESET_POLICIES));
  // Each preset also answers to the name that says what it promises (sla/preset-texts.ts).
  for (const [alias, id] of Object.entries(PRESET_ALIASES)) if (PRESET_POLICIES[id]) policies.set(alias, PRESET_POLICIES[id]);
  for (const [name, p] of Object.entries(config.policies)) policies.set(name, policyFromConfig(name, p, calendars));
  const escalations = new Map<string, EscalationChain>(Object.entries(PRESET_ESCALATIONS));
  for (const [name, e] of Object.entries(config.escalations)) {
    escalations.set(name, { name, timer: e.timer, calendar: e.calendar ?? null, levels: e.levels.map((l) => ({ afterMs: l.after, name: l.name, channels: l.channels })) });
  }
  const contracts = config.contracts.map((c) => ({
    name: c.name,
    policy: c.policy,
    calendar: c.calendar,
    availabilityTarget: c.availability_target ?? policies.get(c.policy)?.availabilityTarget ?? 99.9,
    complianceTarget: c.compliance_target ?? policies.get(c.policy)?.complianceTarget ?? null,
    targets: c.members.targets,
    groups: c.members.groups,
    all: c.members.all,
    satisfactionTarget: c.satisfaction_target,
  }));
  return {
    warnAt: config.warn_at,
    unknownPolicy: config.unknown_policy,
    warnCountsAsUp: config.warn_counts_as_up,
    defaultPolicy: config.default_policy,
    calendars,
    policies,
    escalations,
    contracts,
    maintenance: config.maintenance.map(maintenanceFromConfig),
  };
}

export function getCalendar(setup: SlaSetup, name: string): BusinessCalendar {
  const calendar = setup.calendars.get(name);
  if (!calendar) throw new UnknownNameError(`unknown calendar "${name}" (known: ${[...setup.calendars.keys()].sort().join(', ')})`);
  return calendar;
}

/**
 * The contract and policy for a target: the first contract listing the target by name, else the first
 * contract listing one of its groups, else the first contract of every target (`all: true`), else no contract
 * and the default policy.
 */
export function resolvePolicy(setup: SlaSetup, target: string, groups: readonly string[]): { contract: Contract | null; policy: SlaPolicy } {
  const contract =
    setup.contracts.find((c) => c.targets.includes(target)) ??
    setup.contracts.find((c) => c.groups.some((g) => groups.includes(g))) ??
    setup.contracts.find((c) => c.all) ??
    null;
  const name = contract?.policy ?? setup.defaultPolicy;
  const policy = setup.policies.get(name);
  if (!policy) throw new UnknownNameError(`unknown policy "${name}"`);
  return { contract, policy };
}

/** Holiday-data warnings for every calendar that applies Chinese holidays, for the given years. */
export function setupWarnings(setup: SlaSetup, years: readonly number[]): string[] {
  return [...setup.calendars.values()].flatMap((calendar) => calendarWarnings(calendar, years));
}

/** Days ahead the start-up check looks for missing holiday data. */
export const HOLIDAY_LOOKAHEAD_MS = 60 * 86_400_000;

export interface MissingHolidayData {
  calendar: string;
  year: number;
  /** Human line for logs and /healthz (English; reports render their own). */
  message: string;
}

/**
 * The calendars a contract uses (its availability calendar, its policy's timer and escalation calendars) that
 * apply holidays but have no data for a year touched by [fromMs, toMs). Sorted by calendar, then year.
 */
export function missingHolidayData(setup: SlaSetup, fromMs: number, toMs: number, contracts: readonly Contract[] = setup.contracts): MissingHolidayData[] {
  const names = new Set<string>();
  for (const c of contracts) {
    names.add(c.calendar);
    const policy = setup.policies.get(c.policy);
    for (const s of Object.values(policy?.severities ?? {})) {
      if (s.response) names.add(s.response.calendar);
      if (s.resolution) names.add(s.resolution.calendar);
      const chain = s.escalation ? setup.escalations.get(s.escalation) : undefined;
      if (chain?.calendar) names.add(chain.calendar);
    }
  }
  const out: MissingHolidayData[] = [];
  for (const name of [...names].sort()) {
    const calendar = setup.calendars.get(name);
    if (!calendar) continue;
    const years = yearsBetween(calendar, fromMs, toMs);
    const messages = calendarWarnings(calendar, years);
    missingHolidayYears(calendar, years).forEach((year, i) => out.push({ calendar: name, year, message: messages[i] ?? '' }));
  }
  return out;
}
