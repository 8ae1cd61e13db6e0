/** SQL of the asset baselines (migration 010): each verification of the asset register and the inventories it saw. */
import type { InventoryMessage } from '../../common/protocol.js';
import type { Q } from '../store/sql/sql-helpers.js';

export interface AssetBaseline {
  id: number;
  verifiedAtMs: number;
  verifiedBy: string;
  agents: Array<{ agentId: string; inventory: InventoryMessage | null; inventoryAtMs: number | null }>;
}

/** Rows per INSERT (4 parameters each: far below either engine's bound-parameter limit). */
const AGENT_CHUNK = 1_000;

export function createAssetsStore() {
  return {
    /** The last verified baseline, or null when the register was never verified. */
    async latest(q: Q): Promise<AssetBaseline | null> {
      const row = await q.selectFrom('asset_baselines').select(['id', 'verified_at_ms', 'verified_by']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      if (!row) return null;
      const agents = await q
        .selectFrom('asset_baseline_agents')
        .select(['agent_id', 'inventory_json', 'inventory_at_ms'])
        .where('baseline_id', '=', row.id)
        .orderBy('agent_id')
        .execute();
      return {
        id: row.id,
        verifiedAtMs: row.verified_at_ms,
        verifiedBy: row.verified_by,
        agents: agents.map((a) => ({ agentId: a.agent_id, inventory: a.inventory_json ? (JSON.parse(a.inventory_json) as InventoryMessage) : null, inventoryAtMs: a.inventory_at_ms })),
      };
    },
    /**
     * Records the inventories seen now as the new baseline; returns its id. Call it with a transaction's `trx`
     * (assets-model.ts does): a baseline is never half written.
     */
    async markVerified(q: Q, atMs: number, by: string, agents: AssetBaseline['agents']): Promise<number> {
      const { id } = await q.insertInto('asset_baselines').values({ verified_at_ms: atMs, verified_by: by }).returning('id').executeTakeFirstOrThrow();
      const rows = agents.map((a) => ({ baseline_id: id, agent_id: a.agentId, inventory_json: a.inventory ? JSON.stringify(a.inventory) : null, inventory_at_ms: a.inventoryAtMs }));
      for (let i = 0; i < rows.length; i += AGENT_CHUNK) await q.insertInto('asset_baseline_agents').values(rows.slice(i, i + AGENT_CHUNK)).execute();
      return id;
    },
  };
}
export type AssetsStore = ReturnType<typeof createAssetsStore>;
