/** SQL of the asset baselines (migration 010): each verification of the asset register and the inventories it saw. */
import type { InventoryMessage } from '../../common/protocol.js';
import type { Db } from '../store/db.js';

export interface AssetBaseline {
  id: number;
  verifiedAtMs: number;
  verifiedBy: string;
  agents: Array<{ agentId: string; inventory: InventoryMessage | null; inventoryAtMs: number | null }>;
}

export function createAssetsStore(db: Db) {
  const latest = db.prepare<[], { id: number; verified_at_ms: number; verified_by: string }>('SELECT * FROM asset_baselines ORDER BY id DESC LIMIT 1');
  const agentsOf = db.prepare<[number], { agent_id: string; inventory_json: string | null; inventory_at_ms: number | null }>(
    'SELECT agent_id, inventory_json, inventory_at_ms FROM asset_baseline_agents WHERE baseline_id = ? ORDER BY agent_id',
  );
  const insertBaseline = db.prepare('INSERT INTO asset_baselines (verified_at_ms, verified_by) VALUES (?, ?)');
  const insertAgent = db.prepare('INSERT INTO asset_baseline_agents (baseline_id, agent_id, inventory_json, inventory_at_ms) VALUES (?, ?, ?, ?)');
  return {
    /** The last verified baseline, or null when the register was never verified. */
    latest(): AssetBaseline | null {
      const row = latest.get();
      if (!row) return null;
      return {
        id: row.id,
        verifiedAtMs: row.verified_at_ms,
        verifiedBy: row.verified_by,
        agents: agentsOf.all(row.id).map((a) => ({ agentId: a.agent_id, inventory: a.inventory_json ? (JSON.parse(a.inventory_json) as InventoryMessage) : null, inventoryAtMs: a.inventory_at_ms })),
      };
    },
    /** Records the inventories seen now as the new baseline (one transaction). */
    markVerified(atMs: number, by: string, agents: AssetBaseline['agents']): number {
      return db.transaction(() => {
        const id = Number(insertBaseline.run(atMs, by).lastInsertRowid);
        for (const a of agents) insertAgent.run(id, a.agentId, a.inventory ? JSON.stringify(a.inventory) : null, a.inventoryAtMs);
        return id;
      })();
    },
  };
}
export type AssetsStore = ReturnType<typeof createAssetsStore>;
