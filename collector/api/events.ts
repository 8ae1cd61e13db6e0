/**
 * GET /api/v1/events?target=&agent_id=&kind=&from=&to=&limit= (viewer): agent events (SNMP traps, spool drops,
 * ...) newest first, with what the trap rules did (`action`, `rule`, `incident`). Default window: the last 24 h.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AgentEventRecord, EventFilters } from '../agent-events/store.js';
import { validate } from './errors.js';
import { agentIdParam, timeParam } from './params.js';

export interface EventsRouterDeps {
  events: { list(filters: EventFilters): AgentEventRecord[] | Promise<AgentEventRecord[]> };
  now: () => number;
}

export function presentEvent(e: AgentEventRecord) {
  return {
    id: e.id,
    agent_id: e.agentId,
    incarnation: e.incarnation || null,
    seq: e.seq,
    kind: e.kind,
    target: e.target,
    check_id: e.checkId,
    message: e.message,
    data: e.data,
    observed_at_ms: e.observedAtMs,
    sent_at_ms: e.sentAtMs,
    received_at_ms: e.receivedAtMs,
    action: e.pending ? 'pending' : e.action,
    rule: e.rule,
    incident: e.incidentNumber,
  };
}

export function createEventsRouter(deps: EventsRouterDeps): Router {
  const router = Router();
  const querySchema = z
    .strictObject({
      target: z.string().min(1).max(200).optional(),
      agent_id: agentIdParam.optional(),
      kind: z.string().min(1).max(100).optional(),
      from: timeParam.optional(),
      to: timeParam.optional(),
      limit: z.coerce.number().int().min(1).max(5000).default(500),
    })
    .transform((q) => {
      const to = q.to ?? deps.now() + 1;
      return { ...q, from: q.from ?? to - 86_400_000, to };
    })
    .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });
  router.get('/', async (req, res) => {
    const q = validate(querySchema, req.query, 'query');
    const filters: EventFilters = { fromMs: q.from, toMs: q.to, limit: q.limit };
    if (q.target !== undefined) filters.target = q.target;
    if (q.agent_id !== undefined) filters.agentId = q.agent_id;
    if (q.kind !== undefined) filters.kind = q.kind;
    const events = (await deps.events.list(filters)).map(presentEvent);
    res.json({ from_ms: q.from, to_ms: q.to, count: events.length, events });
  });
  return router;
}
