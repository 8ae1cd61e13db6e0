/** Config of the `service` check; apart from ../service.ts so the registry validates configs without loading the check. */
import { z } from 'zod';
import { defineSpec } from '../types.js';

export const serviceConfigSchema = z
  .strictObject({
    /** Exact process name: the kernel comm (15 chars) or the basename of argv[0]. */
    process: z.string().min(1).max(255).optional(),
    /** JavaScript regular expression tested against the full command line (argv joined by spaces). */
    pattern: z
      .string()
      .min(1)
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'pattern must be a valid regular expression')
      .optional(),
    /** systemd unit, e.g. `nginx.service`. */
    unit: z
      .string()
      .regex(/^[A-Za-z0-9:_.\\@-]+$/, 'unit must be a systemd unit name like nginx.service')
      .refine((u) => !u.startsWith('-'), 'unit must not start with "-"')
      .optional(),
    /** Fewest matching processes that count as running (process/pattern only). */
    min_count: z.number().int().min(1).max(100_000).optional(),
  })
  .superRefine((cfg, ctx) => {
    const chosen = (['process', 'pattern', 'unit'] as const).filter((k) => cfg[k] !== undefined);
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: chosen.length === 0 ? ['process'] : [chosen[1] ?? 'process'],
        message: `set exactly one of process, pattern, unit (got ${chosen.length === 0 ? 'none' : chosen.join(', ')})`,
      });
    }
    if (cfg.unit !== undefined && cfg.min_count !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['min_count'], message: 'min_count applies to process/pattern, not unit' });
    }
  });

export type ServiceConfig = z.output<typeof serviceConfigSchema>;

// a service is judged as part of the host it runs on
export const serviceSpec = defineSpec({ type: 'service', configSchema: serviceConfigSchema, defaultTarget: (_cfg, deps) => deps.hostname });
