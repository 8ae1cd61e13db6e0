/** Config of the `ping` check; apart from ./check.ts so the registry validates configs without loading the check. */
import { z } from 'zod';
import { defineSpec } from '../types.js';
import { durationSchema } from '../../../common/duration.js';
import { hostSchema, thresholdOrder } from '../rules.js';

export const pingConfigSchema = z
  .strictObject({
    /** Host name or address to ping. */
    host: hostSchema,
    /** Echo requests per run. */
    count: z.number().int().min(1).max(100).default(5),
    /** Gap between packets (iputils `-i`); below 200ms needs root. Not `interval`: that common key is how often the check runs. */
    packet_interval: durationSchema({ min: '2ms', max: '60s' }).default(1000),
    /** How long to wait for the last reply (iputils `-W`). */
    packet_timeout: durationSchema({ min: '10ms', max: '60s' }).default(2000),
    /** ICMP payload bytes (iputils `-s`). */
    packet_size: z.number().int().min(0).max(65507).optional(),
    /** Force IPv6 (otherwise chosen from the address). */
    ipv6: z.boolean().default(false),
    warn_loss_percent: z.number().min(0).max(100).default(20),
    /** Total loss is always crit; lower this to go crit earlier. */
    crit_loss_percent: z.number().min(0).max(100).default(100),
    warn_rtt_ms: z.number().positive().optional(),
    crit_rtt_ms: z.number().positive().optional(),
  })
  .superRefine(thresholdOrder('higher', [['warn_loss_percent', 'crit_loss_percent'], ['warn_rtt_ms', 'crit_rtt_ms']]));

export type PingConfig = z.output<typeof pingConfigSchema>;

export const pingSpec = defineSpec({
  type: 'ping',
  configSchema: pingConfigSchema,
  defaultTarget: (cfg) => cfg.host,
  timeoutProblems(cfg, timeoutMs) {
    const needed = (cfg.count - 1) * cfg.packet_interval + cfg.packet_timeout;
    return needed > timeoutMs
      ? [{ path: ['count'], message: `(count − 1) × packet_interval + packet_timeout = ${needed / 1000}s exceeds the check's timeout (${timeoutMs / 1000}s): lower count or packet_interval, or raise timeout` }]
      : [];
  },
});
