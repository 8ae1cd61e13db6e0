/** The agents table (liveness, version, clock skew, inventory and seq incarnation per agent), async on both engines. */
import { sql, type Selectable } from 'kysely';
import type { CheckDescriptor, InventoryMessage, StatusMessage } from '../../../common/protocol.js';
import type { AgentsTable } from './schema.js';
import { laterOf, type Q } from './sql-helpers.js';

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

const toRow = (raw: Selectable<AgentsTable>): AgentRow => ({
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
});

const TOUCH_CHUNK = 1000;
/** Agents per lookup statement (an IN list of the primary key). */
const MANY_CHUNK = 500;

export function createAgentsRepo() {
  return {
    /**
     * Last seen of many agents, and the clock skew of those of them in `skews` (others keep theirs), a few hundred per
     * statement (the ingest's per-batch write; in agent order). One statement, not one skew update per agent: while a
     * backlog drains, receive − send time moves for every agent in every batch (161,374 single updates in a few
     * minutes of `bench/fleet` at 10,000 agents).
     */
    async touchMany(q: Q, seen: ReadonlyMap<string, number>, skews: ReadonlyMap<string, number> = new Map()): Promise<void> {
      const rows = [...seen]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([agent_id, last_seen_ms]) => ({ agent_id, last_seen_ms, skew_ms: skews.has(agent_id) ? Math.round(skews.get(agent_id)!) : null }));
      for (let start = 0; start < rows.length; start += TOUCH_CHUNK) {
        await q
          .insertInto('agents')
          .values(rows.slice(start, start + TOUCH_CHUNK))
          .onConflict((oc) =>
            oc.column('agent_id').doUpdateSet({ last_seen_ms: laterOf('agents', 'last_seen_ms'), skew_ms: sql<number | null>`COALESCE(excluded.skew_ms, agents.skew_ms)` }),
          )
          .execute();
      }
    },
    async touch(q: Q, agentId: string, atMs: number): Promise<void> {
      await q
        .insertInto('agents')
        .values({ agent_id: agentId, last_seen_ms: atMs })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet({ last_seen_ms: laterOf('agents', 'last_seen_ms') }))
        .execute();
    },
    async setStatus(q: Q, message: StatusMessage, atMs: number): Promise<void> {
      await q
        .insertInto('agents')
        .values({
          agent_id: message.agent_id,
          hostname: message.hostname,
          agent_version: message.agent_version,
          online: message.state === 'online' ? 1 : 0,
          status_reason: message.reason ?? null,
          status_at_ms: atMs,
          last_seen_ms: atMs,
          checks_json: JSON.stringify(message.checks),
        })
        .onConflict((oc) =>
          oc.column('agent_id').doUpdateSet((eb) => ({
            hostname: eb.ref('excluded.hostname'),
            agent_version: eb.ref('excluded.agent_version'),
            online: eb.ref('excluded.online'),
            status_reason: eb.ref('excluded.status_reason'),
            status_at_ms: eb.ref('excluded.status_at_ms'),
            last_seen_ms: laterOf('agents', 'last_seen_ms'),
            checks_json: eb.ref('excluded.checks_json'),
          })),
        )
        .execute();
    },
    async setInventory(q: Q, message: InventoryMessage, atMs: number): Promise<void> {
      await q
        .insertInto('agents')
        .values({
          agent_id: message.agent_id,
          hostname: message.hostname,
          agent_version: message.agent_version,
          last_seen_ms: atMs,
          inventory_json: JSON.stringify(message),
          inventory_at_ms: atMs,
        })
        .onConflict((oc) =>
          oc.column('agent_id').doUpdateSet((eb) => ({
            hostname: eb.ref('excluded.hostname'),
            agent_version: eb.ref('excluded.agent_version'),
            inventory_json: eb.ref('excluded.inventory_json'),
            inventory_at_ms: eb.ref('excluded.inventory_at_ms'),
            last_seen_ms: laterOf('agents', 'last_seen_ms'),
          })),
        )
        .execute();
    },
    /**
     * The seq incarnation each of these agents last started with (null: none sent yet, an agent without incarnations;
     * absent from the map: no such agent yet), a few hundred per statement.
     */
    async incarnations(q: Q, agentIds: readonly string[]): Promise<Map<string, string | null>> {
      const out = new Map<string, string | null>();
      for (let start = 0; start < agentIds.length; start += MANY_CHUNK) {
        const rows = await q.selectFrom('agents').select(['agent_id', 'incarnation']).where('agent_id', 'in', agentIds.slice(start, start + MANY_CHUNK)).execute();
        for (const row of rows) out.set(row.agent_id, row.incarnation);
      }
      return out;
    },
    async setIncarnation(q: Q, agentId: string, incarnation: string, atMs: number): Promise<void> {
      await q
        .insertInto('agents')
        .values({ agent_id: agentId, last_seen_ms: atMs, incarnation, incarnation_at_ms: atMs })
        .onConflict((oc) =>
          oc.column('agent_id').doUpdateSet((eb) => ({ incarnation: eb.ref('excluded.incarnation'), incarnation_at_ms: eb.ref('excluded.incarnation_at_ms') })),
        )
        .execute();
    },
    /** Agents whose last status is online. */
    async countOnline(q: Q): Promise<number> {
      const row = await q.selectFrom('agents').select((eb) => eb.fn.countAll<number>().as('n')).where('online', '=', 1).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async list(q: Q): Promise<AgentRow[]> {
      return (await q.selectFrom('agents').selectAll().orderBy('agent_id').execute()).map(toRow);
    },
    async get(q: Q, agentId: string): Promise<AgentRow | null> {
      const raw = await q.selectFrom('agents').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
      return raw ? toRow(raw) : null;
    },
  };
}
export type AgentsRepo = ReturnType<typeof createAgentsRepo>;
