/**
 * Config reload (SIGHUP): which parts of a new collector.yaml take effect at once and which need a restart.
 * Logins (api.tokens, api.users, mqtt.agents, mqtt.enrolment_secret, mqtt.revoked), notifications and contracts (`sla`, through
 * the SLA front door: sla-service/front-door.ts) are swapped in place without dropping a connection; everything else
 * that differs (listen addresses, data_dir, the store, the broker URL, ...) is reported and keeps its running value. A path joins RELOADABLE only once the collector reads it
 * through its current config (as the API reads `() => current.api.tokens`) or applies it in `reload`.
 */
import type { Logger } from '../common/logger.js';
import type { CollectorConfig } from './config.js';

/** Dotted paths applied by a reload. A section listed here is never reported as needing a restart. */
export const RELOADABLE = ['api.tokens', 'api.users', 'mqtt.agents', 'mqtt.enrolment_secret', 'mqtt.revoked', 'notifications', 'sla'] as const;

/** Sections compared key by key (the others as a whole). */
const SPLIT = ['api', 'mqtt'] as const;

export interface ReloadPlan {
  /** Reloadable paths whose value changed. */
  changed: string[];
  /** Paths that differ but need a restart (they keep their running value). */
  restart: string[];
  /** The running config after the reload: the old one with the reloadable paths taken from the new file. */
  next: CollectorConfig;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function planReload(running: CollectorConfig, loaded: CollectorConfig): ReloadPlan {
  const changed: string[] = [];
  const restart: string[] = [];
  const runningRecord = running as unknown as Record<string, unknown>;
  const loadedRecord = loaded as unknown as Record<string, unknown>;
  const next: Record<string, unknown> = { ...runningRecord };
  const keys = new Set([...Object.keys(runningRecord), ...Object.keys(loadedRecord)]);
  for (const key of keys) {
    if ((SPLIT as readonly string[]).includes(key)) {
      const a = (runningRecord[key] ?? {}) as Record<string, unknown>;
      const b = (loadedRecord[key] ?? {}) as Record<string, unknown>;
      const section: Record<string, unknown> = { ...a };
      for (const sub of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const path = `${key}.${sub}`;
        if (same(a[sub], b[sub])) continue;
        if ((RELOADABLE as readonly string[]).includes(path)) {
          changed.push(path);
          if (sub in b) section[sub] = b[sub];
          else delete section[sub];
        } else restart.push(path);
      }
      next[key] = section;
      continue;
    }
    if (same(runningRecord[key], loadedRecord[key])) continue;
    if ((RELOADABLE as readonly string[]).includes(key)) {
      changed.push(key);
      next[key] = loadedRecord[key];
    } else restart.push(key);
  }
  return { changed, restart, next: next as unknown as CollectorConfig };
}

/** What applies a reloaded section: called with the running config after the reload when `section` changed. */
type Applier = (config: CollectorConfig) => void;

/**
 * The running config of a collector: `current()` for readers that follow reloads (the API's tokens), `on(section)`
 * for components that apply a changed section in place (the broker's logins, the notification dispatcher).
 */
export function createLiveConfig(initial: CollectorConfig, log: Logger) {
  let current = initial;
  const appliers: Array<{ section: string; apply: Applier }> = [];
  return {
    current: (): CollectorConfig => current,
    /** `section` is a top-level key (`notifications`) or a split one's prefix (`mqtt`). */
    on(section: string, apply: Applier): void {
      appliers.push({ section, apply });
    },
    reload(loaded: CollectorConfig): ReloadPlan {
      const plan = planReload(current, loaded);
      current = plan.next;
      for (const { section, apply } of appliers) {
        if (plan.changed.some((path) => path === section || path.startsWith(`${section}.`))) apply(current);
      }
      if (plan.restart.length > 0) log.warn({ keys: plan.restart }, 'config reload: these keys need a restart and keep their running values');
      log.info({ applied: plan.changed }, plan.changed.length > 0 ? 'config reloaded' : 'config reloaded: nothing to apply');
      return plan;
    },
  };
}
export type LiveConfig = ReturnType<typeof createLiveConfig>;
