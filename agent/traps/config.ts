/** `traps:` in agent.yaml: the optional SNMP trap/inform receiver. Strict; every problem names its path. */
import { z } from 'zod';
import { v3UserSchema } from '../checks/snmp/config.js';

export const trapsConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Address to bind; 0.0.0.0 = every IPv4 address of the host. */
    listen: z.string().min(1).max(255).default('0.0.0.0'),
    /** 162 is the standard port (needs root or CAP_NET_BIND_SERVICE). */
    port: z.number().int().min(1).max(65535).default(162),
    /** v1/v2c communities accepted; traps with any other community are dropped (and logged). */
    communities: z.array(z.string().min(1).max(255)).max(100).default([]),
    /** SNMPv3 users accepted (same keys as an snmp check's `v3:`). */
    users: z.array(v3UserSchema).max(100).default([]),
    /** Traps turned into events per second at most; a trap storm beyond it is counted and dropped. */
    max_per_second: z.number().int().min(1).max(10_000).default(100),
  })
  .superRefine((t, ctx) => {
    if (t.enabled && t.communities.length === 0 && t.users.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'an enabled trap receiver needs at least one community or user', path: ['communities'] });
    }
  })
  .prefault({});

export type TrapsConfig = z.output<typeof trapsConfigSchema>;
