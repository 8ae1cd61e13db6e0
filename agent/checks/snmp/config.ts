/** Config schema of the `snmp` check: device address and credentials, what to poll, thresholds. */
import { z } from 'zod';
import { defineSpec } from '../types.js';
import { durationSchema } from '../../../common/duration.js';
import { hostSchema, thresholdOrder } from '../rules.js';

/** Dotted numeric OID (no MIB names: Outpost ships no MIB files). */
export const numericOidSchema = z
  .string()
  .regex(/^\.?1(\.\d{1,10}){1,127}$/, 'expected a numeric OID like 1.3.6.1.2.1.1.3.0 (MIB names are not resolved)')
  .transform((oid) => oid.replace(/^\./, ''));

export const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

const v3UserFields = {
  username: z.string().min(1).max(32),
  level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
  auth_protocol: z.enum(AUTH_PROTOCOLS).default('sha'),
  /** RFC 3414: at least 8 characters. */
  auth_password: z.string().min(8, 'must be at least 8 characters (RFC 3414)').optional(),
  priv_protocol: z.enum(PRIV_PROTOCOLS).default('aes'),
  priv_password: z.string().min(8, 'must be at least 8 characters (RFC 3414)').optional(),
};

function requireKeys(u: { level: string; auth_password?: string; priv_password?: string }, ctx: z.RefinementCtx): void {
  if (u.level !== 'noAuthNoPriv' && u.auth_password === undefined) {
    ctx.addIssue({ code: 'custom', message: `required for level ${u.level}`, path: ['auth_password'] });
  }
  if (u.level === 'authPriv' && u.priv_password === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required for level authPriv', path: ['priv_password'] });
  }
}

/** An SNMPv3 USM user; shared with the trap receiver's `users:`. */
export const v3UserSchema = z.strictObject(v3UserFields).superRefine(requireKeys);
/** The polling side adds the SNMPv3 context name. */
const v3SessionSchema = z.strictObject({ ...v3UserFields, context: z.string().max(255).default('') }).superRefine(requireKeys);
export type V3User = z.output<typeof v3UserSchema>;

const patternList = z.array(z.string().min(1).max(255)).max(1000);

/** warn/crit for a "higher is worse" percentage; either may be omitted. */
const percentPair = (warn: number, crit: number) =>
  z
    .strictObject({ warn: z.number().min(0).max(100).optional().default(warn), crit: z.number().min(0).max(100).optional().default(crit) })
    .superRefine(thresholdOrder('higher', [['warn', 'crit']]))
    .prefault({});

/** Metric names of custom OIDs share the result's metric namespace: snake_case, no clash with built-ins. */
export const RESERVED_METRICS = [
  'up', 'poll_ms', 'uptime_s', 'reboots', 'cpu_percent', 'memory_used_percent', 'memory_total_bytes', 'memory_used_bytes',
  'interfaces_total', 'interfaces_up', 'interfaces_down', 'critical_interfaces_down', 'ignored_values',
];

const customOidSchema = z
  .strictObject({
    /** Metric name, e.g. `temperature_c`. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'expected a snake_case metric name like temperature_c'),
    oid: numericOidSchema,
    /** Multiplied into the raw value (e.g. 0.1 for a sensor reporting tenths of a degree). */
    scale: z.number().refine((n) => Number.isFinite(n) && n !== 0, 'must be a non-zero number').default(1),
    warn_above: z.number().optional(),
    crit_above: z.number().optional(),
    warn_below: z.number().optional(),
    crit_below: z.number().optional(),
  })
  .superRefine((o, ctx) => {
    if (RESERVED_METRICS.includes(o.name)) ctx.addIssue({ code: 'custom', message: `"${o.name}" is a built-in metric of the snmp check`, path: ['name'] });
    thresholdOrder('higher', [['warn_above', 'crit_above']])(o, ctx);
    thresholdOrder('lower', [['warn_below', 'crit_below']])(o, ctx);
  });
export type CustomOid = z.output<typeof customOidSchema>;

export const snmpConfigSchema = z
  .strictObject({
    /** Device address (IP or DNS name). */
    host: hostSchema,
    port: z.number().int().min(1).max(65535).default(161),
    /** `1`, `2c` or `3` (YAML numbers 1, 2 and 3 are accepted). */
    version: z.preprocess((v) => (v === 2 ? '2c' : typeof v === 'number' ? String(v) : v), z.enum(['1', '2c', '3'])).default('2c'),
    community: z.string().min(1).max(255).default('public'),
    /** Required for version 3. */
    v3: v3SessionSchema.optional(),
    /** Per request attempt; the check's `timeout` must cover (retries + 1) × this for every request of a poll. */
    request_timeout: durationSchema({ min: '100ms', max: '60s' }).prefault('2s'),
    retries: z.number().int().min(0).max(5).default(1),
    /** GETBULK max-repetitions for table walks (v2c/v3). */
    max_repetitions: z.number().int().min(1).max(100).default(20),
    /** State of the result when the device does not answer. */
    timeout_state: z.enum(['crit', 'unknown']).default('crit'),
    interfaces: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Interface name/alias/index patterns (exact or `prefix*`); empty = all. */
        include: patternList.default([]),
        exclude: patternList.default([]),
        /** At most this many interfaces are reported (the rest are dropped with a note). */
        max: z.number().int().min(1).max(1000).default(500),
      })
      .prefault({}),
    /** Interfaces (name, alias or index; exact or `prefix*`) whose oper-down makes the check crit. */
    critical_interfaces: patternList.default([]),
    /** Utilisation thresholds (percent of ifHighSpeed), per interface and direction. */
    utilisation_percent: z
      .strictObject({ warn: z.number().min(0).max(100).optional(), crit: z.number().min(0).max(100).optional() })
      .superRefine(thresholdOrder('higher', [['warn', 'crit']]))
      .prefault({}),
    /** CPU and memory from Cisco, HOST-RESOURCES or UCD MIBs, whichever the device answers. */
    resources: z.boolean().default(true),
    cpu_percent: percentPair(90, 98),
    memory_percent: percentPair(90, 95),
    oids: z.array(customOidSchema).max(200).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.version === '3' && c.v3 === undefined) ctx.addIssue({ code: 'custom', message: 'required when version is 3', path: ['v3'] });
    if (c.version !== '3' && c.v3 !== undefined) {
      ctx.addIssue({ code: 'custom', message: `only valid with version: 3 (version is ${c.version}, which uses community)`, path: ['v3'] });
    }
    const names = new Set<string>();
    c.oids.forEach((o, i) => {
      if (names.has(o.name)) ctx.addIssue({ code: 'custom', message: `duplicate metric name "${o.name}"`, path: ['oids', i, 'name'] });
      names.add(o.name);
    });
  });

export type SnmpConfig = z.output<typeof snmpConfigSchema>;

export const snmpSpec = defineSpec({
  type: 'snmp',
  configSchema: snmpConfigSchema,
  defaultTarget: (cfg) => cfg.host,
  // one request with its retries must fit in the poll; the poll deadline budgets the rest (./poll.ts)
  timeoutProblems(cfg, timeoutMs) {
    const single = cfg.request_timeout * (cfg.retries + 1);
    return single > timeoutMs
      ? [{ path: ['request_timeout'], message: `request_timeout × (retries + 1) = ${single / 1000}s exceeds the check's timeout (${timeoutMs / 1000}s): lower request_timeout or retries, or raise timeout` }]
      : [];
  },
});
