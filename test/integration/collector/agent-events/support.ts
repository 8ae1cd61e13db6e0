/** Agent events as the agent publishes them (agent/traps/decode.ts data + agent/traps/events.ts envelope). */
import type { MqttClient } from 'mqtt';
import { PROTOCOL_VERSION, topics, type EventMessage } from '../../../../common/protocol.js';

export const LINK_DOWN_OID = '1.3.6.1.6.3.1.1.5.3';
export const LINK_UP_OID = '1.3.6.1.6.3.1.1.5.4';
export const COLD_START_OID = '1.3.6.1.6.3.1.1.5.1';

export interface TrapSpec {
  trapOid: string;
  trapName: string | null;
  target: string;
  source?: string;
  ifIndex?: number;
  ifName?: string;
  observedAtMs?: number;
}

/** An `snmp_trap` event with the data fields the agent's trap receiver writes. */
export function trapEvent(agentId: string, seq: number, spec: TrapSpec): EventMessage {
  const source = spec.source ?? '127.0.0.1';
  const data: Record<string, string | number | boolean | null> = { trap_oid: spec.trapOid, trap_name: spec.trapName, source_address: source, snmp_version: 'v2c', uptime_s: 1234.5 };
  if (spec.ifIndex !== undefined) data.if_index = spec.ifIndex;
  if (spec.ifName !== undefined) data.if_name = spec.ifName;
  if (spec.trapName === 'linkDown' || spec.trapName === 'linkUp') data.if_oper_status = spec.trapName === 'linkDown' ? 'down' : 'up';
  const what = spec.trapName ?? `trap ${spec.trapOid}`;
  const label = spec.ifName ?? (spec.ifIndex !== undefined ? `ifIndex ${spec.ifIndex}` : null);
  const on = label ? ` on ${label}${spec.ifName && spec.ifIndex !== undefined ? ` (ifIndex ${spec.ifIndex})` : ''}` : '';
  const from = spec.target === source ? source : `${spec.target} (${source})`;
  const at = spec.observedAtMs ?? Date.now();
  return { v: PROTOCOL_VERSION, agent_id: agentId, seq, observed_at_ms: at, kind: 'snmp_trap', target: spec.target, message: `${what}${on} from ${from}`, data, sent_at_ms: Date.now() };
}

export function linkDown(agentId: string, seq: number, target: string, ifIndex: number, ifName?: string): EventMessage {
  return trapEvent(agentId, seq, { trapOid: LINK_DOWN_OID, trapName: 'linkDown', target, ifIndex, ...(ifName ? { ifName } : {}) });
}

export function linkUp(agentId: string, seq: number, target: string, ifIndex: number, ifName?: string): EventMessage {
  return trapEvent(agentId, seq, { trapOid: LINK_UP_OID, trapName: 'linkUp', target, ifIndex, ...(ifName ? { ifName } : {}) });
}

export async function publishEvent(client: MqttClient, message: EventMessage | Record<string, unknown>, agentId = String(message.agent_id)): Promise<void> {
  await client.publishAsync(topics.events(agentId), JSON.stringify(message), { qos: 1 });
}
