/**
 * The collector's own connection to an external broker. While it is down (and for a short settling time after it
 * is back, while the broker hands over what it queued), agents' Last Wills are the broker's fault, not the
 * agents': they are recorded but make no "agent lost" incidents — a check whose agent really went away is found
 * silent later, its clock started when the connection came back. An outage longer than `unreachableAfterMs` is one
 * P2 incident "MQTT broker unreachable", resolved when the connection is back.
 */
import { SYSTEM_TIMERS, type Timers } from '../common/timers.js';
import type { Logger } from '../common/logger.js';
import type { IncidentService } from './incidents/service.js';

/** Wills that arrive this long after a reconnect were queued during the outage. */
export const WILL_SETTLE_MS = 10_000;
export const BROKER_INCIDENT_KEY = 'collector:mqtt-broker';
export const BROKER_CHECK_TYPE = 'mqtt_broker';

/** host:port of a broker URL (never its credentials); the scheme when it does not parse. */
export function brokerHost(url: string): string {
  try {
    return new URL(url).host || url.split(':')[0] || 'broker';
  } catch {
    return url.split(':')[0] ?? 'broker';
  }
}

export interface BrokerHealthDeps {
  /** host:port of the broker (never the URL: it may carry credentials). */
  broker: string;
  unreachableAfterMs: number;
  now: () => number;
  logger: Logger;
  incidents?: Pick<IncidentService, 'openKeyed' | 'resolveKeyed'>;
  /** Silence clocks restart when the connection is back. */
  onReconnect?: (atMs: number) => void;
  /** The alarm that opens the incident (tests drive it). */
  timers?: Timers;
}

export function createBrokerHealth(deps: BrokerHealthDeps) {
  const log = deps.logger.child({ component: 'broker-health' });
  const timers = deps.timers ?? SYSTEM_TIMERS;
  const setTimer = (fn: () => void, ms: number): unknown => timers.setTimeout(fn, ms);
  const clearTimer = (handle: unknown): void => timers.clearTimeout(handle);
  let everConnected = false;
  // Not connected yet: a broker unreachable at start-up is an outage too.
  let downSinceMs: number | null = deps.now();
  let upAtMs = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let timer: unknown = setTimer(openIncident, deps.unreachableAfterMs);

  // The incident calls are async and the store may be down too (a PostgreSQL outage drops the broker connection as
  // well): a rejection unheard would end the process.
  function guarded(what: string, call: () => unknown): void {
    try {
      void Promise.resolve(call()).catch((error: unknown) => log.error({ err: error }, what));
    } catch (error) {
      log.error({ err: error }, what);
    }
  }

  function openIncident(): void {
    timer = null;
    if (downSinceMs === null || stopped) return;
    const startedAtMs = downSinceMs;
    const seconds = Math.round((deps.now() - downSinceMs) / 1000);
    log.error({ broker: deps.broker, down_s: seconds }, 'MQTT broker unreachable');
    guarded('broker incident not opened', () =>
      deps.incidents?.openKeyed({
        dedupKey: BROKER_INCIDENT_KEY,
        title: `MQTT broker unreachable: ${deps.broker}`,
        titleText: { code: 'title.broker_unreachable', params: { broker: deps.broker } },
        descriptionText: { code: 'note.broker_unreachable', params: { broker: deps.broker, seconds } },
        severity: 'P2',
        description: `the collector has had no connection to the MQTT broker ${deps.broker} for ${seconds} s: no agent results arrive; agents keep them in their spools`,
        target: deps.broker,
        checkType: BROKER_CHECK_TYPE,
        rule: 'builtin.broker_unreachable',
        startedAtMs,
      }),
    );
  }

  return {
    /** The connection came up (true) or went down (false); repeats are ignored. */
    connectionChanged(connected: boolean): void {
      const atMs = deps.now();
      if (connected) {
        if (timer !== null) clearTimer(timer);
        timer = null;
        const wasDown = downSinceMs !== null;
        downSinceMs = null;
        if (!wasDown) return;
        // The first connection is no outage's end: retained wills then are news from while we were stopped.
        if (everConnected) {
          upAtMs = atMs;
          deps.onReconnect?.(atMs);
        }
        everConnected = true;
        guarded('broker incident not resolved', () =>
          deps.incidents?.resolveKeyed(BROKER_INCIDENT_KEY, 'recovered', `the collector is connected to the MQTT broker ${deps.broker} again`, undefined, { code: 'note.broker_back', params: { broker: deps.broker } }),
        );
        return;
      }
      if (downSinceMs !== null) return;
      downSinceMs = atMs;
      if (!stopped) timer = setTimer(openIncident, deps.unreachableAfterMs);
    },
    /** Is a Last Will received at `atMs` the broker's fault (our connection down, or just back)? */
    willIsBrokersFault(atMs: number): boolean {
      return downSinceMs !== null || atMs - upAtMs <= WILL_SETTLE_MS;
    },
    connected: (): boolean => everConnected && downSinceMs === null,
    stop(): void {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
export type BrokerHealth = ReturnType<typeof createBrokerHealth>;
