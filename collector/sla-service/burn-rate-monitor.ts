/**
 * Burn-rate alerting: every minute (collector clock) each member target of each contract is evaluated with the
 * engine's multi-window burn-rate rules against the contract's availability target. A firing rule opens one
 * incident per contract and target (dedup key `burn-rate:["<contract>","<target>"]`) through the incident service —
 * P2 for the paging rules (14.4× over 1 h, 6× over 6 h), P3 for the ticket rules (3× over 1 d, 1× over 3 d) — and
 * it resolves when no rule fires any more. Its title names the window firing now; firing again within the incident
 * grace period after it resolved (or someone resolved it) reopens the same incident.
 * A singleton job (one collector runs it: start/stop as its lease comes and goes); passes never overlap.
 */
import type { Logger } from '../../common/logger.js';
import type { Severity } from '../events.js';
import { findActiveByKey } from '../incidents/repository.js';
import type { IncidentService } from '../incidents/service.js';
import type { CodedText } from '../incidents/texts.js';
import { evaluateBurnRate, getCalendar, type BurnRateRule, type SlaSetup } from '../sla/index.js';
import type { Timers } from '../../common/timers.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { AvailabilityService } from './availability-service.js';
import { periodicPass } from './periodic.js';

export const BURN_RATE_CHECK = 'burn-rate';

/** History the rules need: the longest default window is 3 days. */
const HISTORY_MS = 3 * 86_400_000;

export function burnRateKey(contract: string, target: string): string {
  return `${BURN_RATE_CHECK}:${JSON.stringify([contract, target])}`;
}

export function burnRateTitle(target: string, contract: string, rule: BurnRateRule): string {
  return `${target}: error budget of ${contract} burning ≥ ${rule.factor}× (${rule.name})`;
}

/** The title as code + params (rendered per reader): the window firing now names the incident. */
export function burnRateTitleText(target: string, contract: string, rule: BurnRateRule): CodedText {
  return { code: 'title.burn_rate', params: { target, contract, factor: rule.factor, window: rule.name } };
}

/** Paging rules (factor ≥ 6) are P2, ticket rules P3. */
export function burnRateSeverity(rule: BurnRateRule): Severity {
  return rule.severity === 'page' ? 'P2' : 'P3';
}

export interface BurnRateMonitorDeps {
  store: SqlStore;
  setup: () => SlaSetup;
  availability: AvailabilityService;
  incidents: Pick<IncidentService, 'openKeyed' | 'resolveKeyed'>;
  now: () => number;
  logger: Logger;
  timerFunctions: Timers;
  everyMs?: number;
}

export function createBurnRateMonitor(deps: BurnRateMonitorDeps) {
  const { store, setup, availability, incidents, now } = deps;
  const log = deps.logger.child({ component: 'sla.burn-rate' });
  const everyMs = deps.everyMs ?? 60_000;

  /** One pass; returns the keys firing now. */
  async function pass(): Promise<string[]> {
    const nowMs = now();
    const firing: string[] = [];
    const current = setup();
    for (const contract of current.contracts) {
      const calendar = getCalendar(current, contract.calendar);
      const options = { targetPercent: contract.availabilityTarget, unknownPolicy: current.unknownPolicy, warnCountsAsUp: current.warnCountsAsUp };
      for (const target of await availability.contractMembers(contract)) {
        const key = burnRateKey(contract.name, target);
        try {
          const { intervals, maintenance } = await availability.targetTimeline(target, nowMs - HISTORY_MS, nowMs);
          const result = evaluateBurnRate(calendar, intervals, maintenance, options, nowMs);
          if (result.firing) {
            firing.push(key);
            const rule = result.firing;
            const burn = result.results.find((r) => r.rule === rule)?.longBurn ?? rule.factor;
            await incidents.openKeyed({
              dedupKey: key,
              checkType: BURN_RATE_CHECK,
              checkId: BURN_RATE_CHECK,
              rule: `burn-rate ${rule.name}`,
              target,
              severity: burnRateSeverity(rule),
              // The title names the window that fires now (not the burn of this minute): a change of window retitles the
              // active incident, and a re-fire within the grace reopens the same incident under the new title.
              title: burnRateTitle(target, contract.name, rule),
              titleText: burnRateTitleText(target, contract.name, rule),
              description: `availability target ${contract.availabilityTarget} %; the ${rule.name} windows both burn the budget at least ${rule.factor}× too fast (now ${burn.toFixed(1)}×)`,
              descriptionText: { code: 'note.burn_rate', params: { target_percent: contract.availabilityTarget, window: rule.name, factor: rule.factor, burn: Number(burn.toFixed(1)) } },
            });
          } else if (await findActiveByKey(store.db, key)) {
            await incidents.resolveKeyed(key, 'recovered', 'burn rate back below every alert threshold', undefined, { code: 'note.burn_rate_recovered', params: {} });
          }
        } catch (error) {
          log.error({ err: error, contract: contract.name, target }, 'burn rate not evaluated');
        }
      }
    }
    return firing;
  }

  const job = periodicPass(deps.timerFunctions, everyMs, pass, (error) => log.error({ err: error }, 'burn-rate pass failed'));
  return {
    /** One pass now (joining a running one); the keys firing. */
    evaluate: job.run,
    /** Runs every `everyMs` until stopped (with no contract configured a pass does nothing; a reload may add some). */
    start: job.start,
    /** Resolves once a running pass ended. */
    stop: job.stop,
    running: job.started,
  };
}
