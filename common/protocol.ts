/**
 * Wire protocol between agents and collectors: one source of truth for both sides.
 * Documented in docs/protocol.md. Extend, don't break: add optional fields; bump PROTOCOL_VERSION only for
 * incompatible changes (the collector rejects unknown versions and counts them).
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1 as const;
export const TOPIC_ROOT = 'outpost/v1' as const;
/** Broker ACL `pattern readwrite outpost/v1/%u/#` isolates agents because the agent id is one topic level. */
export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Larger payloads are rejected by the collector (counted as `oversized`). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export const MESSAGE_KINDS = ['status', 'results', 'inventory', 'events'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const topics = {
  status: (agentId: string) => `${TOPIC_ROOT}/${agentId}/status`,
  results: (agentId: string) => `${TOPIC_ROOT}/${agentId}/results`,
  inventory: (agentId: string) => `${TOPIC_ROOT}/${agentId}/inventory`,
  events: (agentId: string) => `${TOPIC_ROOT}/${agentId}/events`,
  /** Subscription filter for every agent's messages of every kind. */
  all: `${TOPIC_ROOT}/+/+`,
} as const;

/** Splits a topic into agent id and kind; null when it is not one of ours. */
export function parseTopic(topic: string): { agentId: string; kind: MessageKind } | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const agentId = parts[2] ?? '';
  const kind = parts[3] as MessageKind;
  if (!AGENT_ID_PATTERN.test(agentId) || !MESSAGE_KINDS.includes(kind)) return null;
  return { agentId, kind };
}

export const CHECK_STATES = ['ok', 'warn', 'crit', 'unknown'] as const;
export const checkStateSchema = z.enum(CHECK_STATES);
export type CheckState = z.infer<typeof checkStateSchema>;

const agentIdSchema = z.string().regex(AGENT_ID_PATTERN, 'agent id must match ^[a-z0-9][a-z0-9._-]{0,62}$');
/** Milliseconds since the Unix epoch; integers keep JSON small and parsing cheap. */
const epochMsSchema = z.number().int().min(0).max(8.64e15);
const nameSchema = z.string().min(1).max(200);
const metricsSchema = z.record(z.string().min(1).max(100), z.number().refine(Number.isFinite, 'must be finite'));
const tagsSchema = z.record(z.string().min(1).max(100), z.string().max(500));
/**
 * A finding's code (e.g. `backup.too_small`) and its parameters: the collector renders them in the reader's language
 * (common/findings.ts). Optional in protocol v1: a result without a code is shown by its `message`.
 */
export const findingCodeSchema = z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'must look like check.finding').max(100);
export const findingParamsSchema = z.record(z.string().min(1).max(100), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]));
export type FindingParams = z.infer<typeof findingParamsSchema>;
/**
 * Chosen once when an agent's state directory is created; a re-installed agent (state wiped) gets a new one and its
 * seq starts again at 1. Optional in protocol v1: an agent without it is deduped on seq alone, as before.
 */
export const incarnationSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

/** One labelled group of metrics inside a result, e.g. one disk mount or one network interface. */
export const seriesSchema = z.strictObject({
  tags: tagsSchema,
  metrics: metricsSchema,
});
export type Series = z.infer<typeof seriesSchema>;

/** What a check returns: a verdict about its target plus measurements. Carried inside a result message. */
export const observationSchema = z.strictObject({
  state: checkStateSchema,
  message: z.string().max(2000),
  code: findingCodeSchema.optional(),
  params: findingParamsSchema.optional(),
  metrics: metricsSchema.default({}),
  series: z.array(seriesSchema).max(1000).optional(),
  /** Small structured facts (e.g. certificate subject, pid) shown in reports; not time series. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type Observation = z.infer<typeof observationSchema>;

export const resultMessageSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  agent_id: agentIdSchema,
  /** Per agent, strictly increasing, persisted across restarts: the collector dedupes on (agent_id, seq). */
  seq: z.number().int().min(1),
  incarnation: incarnationSchema.optional(),
  check_id: nameSchema,
  check_type: nameSchema,
  /** What the check is about: the agent's host, a pinged address, an SNMP device... Each target has its own availability. */
  target: nameSchema,
  interval_s: z.number().positive(),
  /** The check's `tags:` from agent.yaml (e.g. role, site); omitted when empty. */
  tags: tagsSchema.optional(),
  observed_at_ms: epochMsSchema,
  sent_at_ms: epochMsSchema,
  duration_ms: z.number().min(0),
  ...observationSchema.shape,
});
export type ResultMessage = z.infer<typeof resultMessageSchema>;

export const checkDescriptorSchema = z.strictObject({
  check_id: nameSchema,
  check_type: nameSchema,
  target: nameSchema,
  interval_s: z.number().positive(),
  tags: tagsSchema.optional(),
});
export type CheckDescriptor = z.infer<typeof checkDescriptorSchema>;

export const statusMessageSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  agent_id: agentIdSchema,
  state: z.enum(['online', 'offline']),
  /** Why it went offline: `shutdown` (graceful) or `lost` (Last Will, published by the broker). */
  reason: z.string().max(200).optional(),
  sent_at_ms: epochMsSchema,
  agent_version: z.string().max(50),
  hostname: z.string().max(255),
  checks: z.array(checkDescriptorSchema).max(10_000),
});
export type StatusMessage = z.infer<typeof statusMessageSchema>;

export const inventoryMessageSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  agent_id: agentIdSchema,
  sent_at_ms: epochMsSchema,
  agent_version: z.string().max(50),
  hostname: z.string().max(255),
  os: z.strictObject({ platform: z.string(), distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
  hardware: z.strictObject({ manufacturer: z.string(), model: z.string(), serial: z.string() }),
  cpu: z.strictObject({ model: z.string(), cores: z.number().int().min(0), physical_cores: z.number().int().min(0) }),
  memory_bytes: z.number().min(0),
  disks: z.array(z.strictObject({ device: z.string(), type: z.string(), size_bytes: z.number().min(0) })).max(1000),
  interfaces: z
    .array(z.strictObject({ name: z.string(), mac: z.string(), ipv4: z.array(z.string()), ipv6: z.array(z.string()) }))
    .max(1000),
});
export type InventoryMessage = z.infer<typeof inventoryMessageSchema>;

/** Agent-side happenings worth a timeline entry: spool drops, SNMP traps, restarts detected, ... */
export const eventMessageSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  agent_id: agentIdSchema,
  seq: z.number().int().min(1),
  incarnation: incarnationSchema.optional(),
  sent_at_ms: epochMsSchema,
  observed_at_ms: epochMsSchema,
  kind: z.string().min(1).max(100),
  target: nameSchema.optional(),
  check_id: nameSchema.optional(),
  message: z.string().max(2000),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const messageSchemas = {
  status: statusMessageSchema,
  results: resultMessageSchema,
  inventory: inventoryMessageSchema,
  events: eventMessageSchema,
} as const;
