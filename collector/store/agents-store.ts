/** The agents table: liveness, version, clock skew and inventory per agent. */
import type { Db } from './db.js';
import type { CheckDescriptor, InventoryMessage, StatusMessage } from '../../common/protocol.js';

export interface AgentRow {
  agentId: string;
  hostname: string | null;
  agentVersion: string | null;
  online: boolean;
  statusReason: string | null;
  statusAtMs: number | null;
  lastSeenMs: number;
  skewMs: number | null;
  checks: CheckDescriptor[];
  inventory: InventoryMessage | null;
  inventoryAtMs: number | null;
  /** The seq incarnation the agent last started with (null: none sent yet, an agent without incarnations). */
  incarnation: string | null;
  incarnationAtMs: number | null;
}

interface RawAgent {
  agent_id: string;
  hostname: string | null;
  agent_version: string | null;
  online: number;
  status_reason: string | null;
  status_at_ms: number | null;
  last_seen_ms: number;
  skew_ms: number | null;
  checks_json: string | null;
  inventory_json: string | null;
  inventory_at_ms: number | null;
  incarnation: string | null;
  incarnation_at_ms: number | null;
}

function toRow(raw: RawAgent): AgentRow {
  return {
    agentId: raw.agent_id,
    hostname: raw.hostname,
    agentVersion: raw.agent_version,
    online: raw.online === 1,
    statusReason: raw.status_reason,
    statusAtMs: raw.status_at_ms,
    lastSeenMs: raw.last_seen_ms,
    skewMs: raw.skew_ms,
    checks: raw.checks_json ? (JSON.parse(raw.checks_json) as CheckDescriptor[]) : [],
    inventory: raw.inventory_json ? (JSON.parse(raw.inventory_json) as InventoryMessage) : null,
    inventoryAtMs: raw.inventory_at_ms,
    incarnation: raw.incarnation,
    incarnationAtMs: raw.incarnation_at_ms,
  };
}

export function createAgentsStore(db: Db) {
  const touch = db.prepare(
    `INSERT INTO agents (agent_id, last_seen_ms) VALUES (?, ?)
     ON CONFLICT (agent_id) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
  );
  const status = db.prepare(
    `INSERT INTO agents (agent_id, hostname, agent_version, online, status_reason, status_at_ms, last_seen_ms, checks_json)
     VALUES (@agentId, @hostname, @agentVersion, @online, @reason, @atMs, @atMs, @checks)
     ON CONFLICT (agent_id) DO UPDATE SET hostname = excluded.hostname, agent_version = excluded.agent_version,
       online = excluded.online, status_reason = excluded.status_reason, status_at_ms = excluded.status_at_ms,
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms), checks_json = excluded.checks_json`,
  );
  const inventory = db.prepare(
    `INSERT INTO agents (agent_id, hostname, agent_version, last_seen_ms, inventory_json, inventory_at_ms)
     VALUES (@agentId, @hostname, @agentVersion, @atMs, @json, @atMs)
     ON CONFLICT (agent_id) DO UPDATE SET hostname = excluded.hostname, agent_version = excluded.agent_version,
       inventory_json = excluded.inventory_json, inventory_at_ms = excluded.inventory_at_ms,
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
  );
  const skew = db.prepare('UPDATE agents SET skew_ms = ? WHERE agent_id = ?');
  const incarnationOf = db.prepare<[string], { incarnation: string | null }>('SELECT incarnation FROM agents WHERE agent_id = ?');
  const setIncarnation = db.prepare(
    `INSERT INTO agents (agent_id, last_seen_ms, incarnation, incarnation_at_ms) VALUES (@agentId, @atMs, @incarnation, @atMs)
     ON CONFLICT (agent_id) DO UPDATE SET incarnation = excluded.incarnation, incarnation_at_ms = excluded.incarnation_at_ms`,
  );
  const list = db.prepare<[], RawAgent>('SELECT * FROM agents ORDER BY agent_id');
  const online = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM agents WHERE online = 1');
  const one = db.prepare<[string], RawAgent>('SELECT * FROM agents WHERE agent_id = ?');
  return {
    touch(agentId: string, atMs: number): void {
      touch.run(agentId, atMs);
    },
    setStatus(message: StatusMessage, atMs: number): void {
      status.run({
        agentId: message.agent_id,
        hostname: message.hostname,
        agentVersion: message.agent_version,
        online: message.state === 'online' ? 1 : 0,
        reason: message.reason ?? null,
        atMs,
        checks: JSON.stringify(message.checks),
      });
    },
    setInventory(message: InventoryMessage, atMs: number): void {
      inventory.run({
        agentId: message.agent_id,
        hostname: message.hostname,
        agentVersion: message.agent_version,
        atMs,
        json: JSON.stringify(message),
      });
    },
    setSkew(agentId: string, skewMs: number): void {
      skew.run(Math.round(skewMs), agentId);
    },
    incarnation(agentId: string): string | null {
      return incarnationOf.get(agentId)?.incarnation ?? null;
    },
    setIncarnation(agentId: string, incarnation: string, atMs: number): void {
      setIncarnation.run({ agentId, incarnation, atMs });
    },
    /** Agents whose last status is online. */
    countOnline(): number {
      return online.get()?.n ?? 0;
    },
    list(): AgentRow[] {
      return list.all().map(toRow);
    },
    get(agentId: string): AgentRow | null {
      const raw = one.get(agentId);
      return raw ? toRow(raw) : null;
    },
  };
}
export type AgentsStore = ReturnType<typeof createAgentsStore>;
