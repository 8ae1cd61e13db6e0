/**
 * Config rules several checks share: a host is a name or address (never a URL), and warn/crit thresholds are in
 * the order of their direction. Every problem names its key, so `check-config` points at the line to fix.
 */
import { z } from 'zod';

/** A DNS name or IP address, as `host:` of tcp, ping and snmp. A scheme (`http://`) or path is refused. */
export const hostSchema = z
  .string()
  .min(1)
  .max(255)
  .superRefine((host, ctx) => {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host);
    if (scheme) {
      ctx.addIssue({ code: 'custom', message: `expected a host name or address without a scheme: drop "${scheme[1]}://" (e.g. ${host.slice(scheme[0].length).split(/[/:]/)[0] || 'switch-1.example'})` });
    } else if (/\s/.test(host) || host.startsWith('-') || host.includes('/')) {
      ctx.addIssue({ code: 'custom', message: 'expected a host name or address (no spaces, no "/", no leading "-")' });
    }
  });

type Numbers = Record<string, unknown>;

/**
 * For "higher is worse" pairs (value ≥ warn, ≥ crit): warn must not exceed crit. For "lower is worse" pairs
 * (value below warn_below, below crit_below; days left on a certificate): warn must not be under crit.
 * Adds one issue at the warn key, naming both values.
 */
export function thresholdOrder(direction: 'higher' | 'lower', pairs: ReadonlyArray<readonly [warn: string, crit: string]>) {
  return (cfg: Numbers, ctx: z.RefinementCtx): void => {
    for (const [warnKey, critKey] of pairs) {
      const warn = cfg[warnKey];
      const crit = cfg[critKey];
      if (typeof warn !== 'number' || typeof crit !== 'number') continue;
      if (direction === 'higher' && warn > crit) {
        ctx.addIssue({ code: 'custom', message: `${warnKey} (${warn}) must not be above ${critKey} (${crit}): a higher value is worse`, path: [warnKey] });
      } else if (direction === 'lower' && warn < crit) {
        ctx.addIssue({ code: 'custom', message: `${warnKey} (${warn}) must not be below ${critKey} (${crit}): a lower value is worse`, path: [warnKey] });
      }
    }
  };
}
