/**
 * Decodes one MQTT message into a validated protocol message, or a rejection reason (pure). Order of checks:
 * topic, size, JSON, version, schema, agent id of the topic vs the payload.
 */
import {
  PROTOCOL_VERSION,
  messageSchemas,
  parseTopic,
  type EventMessage,
  type InventoryMessage,
  type ResultMessage,
  type StatusMessage,
} from '../../common/protocol.js';

export const REJECT_REASONS = ['bad_topic', 'oversized', 'malformed_json', 'unknown_version', 'schema_invalid', 'agent_mismatch'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type DecodedMessage =
  | { kind: 'status'; agentId: string; message: StatusMessage }
  | { kind: 'results'; agentId: string; message: ResultMessage }
  | { kind: 'inventory'; agentId: string; message: InventoryMessage }
  | { kind: 'events'; agentId: string; message: EventMessage };

export type DecodeOutcome =
  | { ok: true; decoded: DecodedMessage }
  | { ok: false; reason: RejectReason; agentId: string | null; detail: string };

export function decodeMessage(topic: string, payload: Uint8Array, maxPayloadBytes: number): DecodeOutcome {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic) return { ok: false, reason: 'bad_topic', agentId: null, detail: `topic ${JSON.stringify(topic.slice(0, 200))} is not outpost/v1/<agent>/<kind>` };
  const { agentId, kind } = parsedTopic;
  if (payload.byteLength > maxPayloadBytes) {
    return { ok: false, reason: 'oversized', agentId, detail: `payload ${payload.byteLength} bytes > ${maxPayloadBytes}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'malformed_json', agentId, detail: (error as Error).message.slice(0, 200) };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: 'schema_invalid', agentId, detail: 'payload must be a JSON object' };
  }
  const version = (raw as { v?: unknown }).v;
  if (version !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'unknown_version', agentId, detail: `v=${JSON.stringify(version) ?? 'missing'}, expected ${PROTOCOL_VERSION}` };
  }
  const parsed = messageSchemas[kind].safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: 'schema_invalid', agentId, detail };
  }
  if (parsed.data.agent_id !== agentId) {
    return { ok: false, reason: 'agent_mismatch', agentId, detail: `topic agent ${agentId} != payload agent_id ${parsed.data.agent_id}` };
  }
  return { ok: true, decoded: { kind, agentId, message: parsed.data } as DecodedMessage };
}
