/** Config schema of the `host` check: thresholds (with defaults), mount and interface selection, refresh periods. */
import { z } from 'zod';
import { durationSchema } from '../../../common/duration.js';
import { PSEUDO_FS_TYPES } from './filters.js';
import { thresholdOrder } from '../rules.js';

/** warn/crit pair for a "higher is worse" value; either may be overridden alone. */
function pair(warn: number, crit: number, max = 100) {
  return z
    .strictObject({ warn: z.number().min(0).max(max).default(warn), crit: z.number().min(0).max(max).default(crit) })
    .superRefine(thresholdOrder('higher', [['warn', 'crit']]))
    .prefault({});
}

const patternList = z.array(z.string().min(1).max(255)).max(1000);

export const hostConfigSchema = z.strictObject({
  thresholds: z
    .strictObject({
      /** Busy CPU share over the interval since the previous run, %. */
      cpu_percent: pair(90, 98),
      /** 5-minute load average divided by the number of CPUs. */
      load_per_core: pair(2, 4, 1000),
      /** (total − available) / total, %. */
      memory_percent: pair(90, 95),
      swap_percent: pair(50, 80),
      /** Per mount, used / (used + available) like df, %. */
      disk_percent: pair(85, 95),
      inodes_percent: pair(85, 95),
    })
    .prefault({}),
  mounts: z
    .strictObject({
      /** Mount points to watch (exact, or `prefix*`); empty = all real file systems. */
      include: patternList.default([]),
      exclude: patternList.default([]),
      /** File system types skipped (replaces the default list). */
      exclude_types: patternList.default(PSEUDO_FS_TYPES),
    })
    .prefault({}),
  interfaces: z
    .strictObject({
      /** Interface names (exact, or `prefix*`); empty = all. */
      include: patternList.default([]),
      exclude: patternList.default(['lo']),
    })
    .prefault({}),
  /** How often disk usage is re-read (one statfs per mount). */
  disk_refresh: durationSchema({ min: '1s', max: '1d' }).default(60_000),
  /** How often the interface list is re-discovered. */
  interface_refresh: durationSchema({ min: '1s', max: '1d' }).default(600_000),
});

export type HostConfig = z.output<typeof hostConfigSchema>;
export type Thresholds = HostConfig['thresholds'];
