/** GET /api/v1/agents and /api/v1/agents/:id: liveness, last seen, version, clock skew, inventory. */
import { Router } from 'express';
import { z } from 'zod';
import type { SqlStore } from '../store/sql/connect.js';
import type { AgentRow, AgentsRepo } from '../store/sql/agents-repo.js';
import { HttpError, validate } from './errors.js';
import { agentIdParam } from './params.js';

function present(agent: AgentRow, withInventory: boolean) {
  return {
    agent_id: agent.agentId,
    hostname: agent.hostname,
    agent_version: agent.agentVersion,
    online: agent.online,
    /** `online`, `stopped` (it said goodbye: graceful stop) or `lost` (its Last Will); null before any status. */
    status: agent.statusAtMs === null ? null : agent.online ? 'online' : agent.statusReason === 'shutdown' ? 'stopped' : 'lost',
    status_reason: agent.statusReason,
    status_at_ms: agent.statusAtMs,
    last_seen_ms: agent.lastSeenMs,
    skew_ms: agent.skewMs,
    incarnation: agent.incarnation,
    incarnation_at_ms: agent.incarnationAtMs,
    checks: agent.checks,
    ...(withInventory ? { inventory: agent.inventory, inventory_at_ms: agent.inventoryAtMs } : {}),
  };
}

export function createAgentsRouter(deps: { store: SqlStore; agents: AgentsRepo }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = validate(z.strictObject({ inventory: z.enum(['true', 'false']).default('true') }), req.query, 'query');
    res.json({ agents: (await deps.agents.list(deps.store.db)).map((a) => present(a, q.inventory === 'true')) });
  });
  router.get('/:id', async (req, res) => {
    const { id } = validate(z.strictObject({ id: agentIdParam }), req.params, 'params');
    const agent = await deps.agents.get(deps.store.db, id);
    if (!agent) throw new HttpError(404, `agent ${id} not found`);
    res.json(present(agent, true));
  });
  return router;
}
