/**
 * GET /api/v1/stream (viewer): Server-Sent Events keeping console pages current. Events: `state` (a committed
 * state change), `incident` (an incident notice: opened, acknowledged, resolved, escalated, SLA warning, ...),
 * `agent` (an agent went online/offline), and `ready` once on connect. A comment every 20 s keeps proxies from
 * closing an idle stream. The hub is fed by the collector's pipeline (collector.ts) after each commit.
 */
import { Router, type Response } from 'express';
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice, StateChange } from '../events.js';
import type { AgentsRepo } from '../store/sql/agents-repo.js';
import type { SqlStore } from '../store/sql/connect.js';

export type StreamEvent =
  | { type: 'state'; data: ReturnType<typeof stateJson> }
  | { type: 'incident'; data: ReturnType<typeof noticeJson> }
  | { type: 'agent'; data: { agent_id: string; online: boolean; status_reason: string | null; at_ms: number } };

export function stateJson(change: StateChange) {
  return { agent_id: change.agentId, target: change.target, check_id: change.checkId, check_type: change.checkType, from: change.from, to: change.to, at_ms: change.atMs, reason: change.reason, cause: change.cause };
}

export function noticeJson(notice: IncidentNotice) {
  const i = notice.incident;
  return { kind: notice.kind, number: i.number, title: i.title, severity: i.severity, status: i.status, target: i.target, check_id: i.checkId, at_ms: notice.atMs, actor: notice.actor ?? null, detail: notice.detail ?? null };
}

const KEEPALIVE_MS = 20_000;

export type StreamHubDeps = {
  logger: Logger;
  now: () => number;
  agentScanMs?: number;
} & (
  /** Agents whose online flag is compared every `agentScanMs` while someone listens, read through `store`. */
  { agents: AgentsRepo; store: Pick<SqlStore, 'db'> } | { agents?: undefined; store?: undefined }
);

export function createStreamHub(deps: StreamHubDeps) {
  const clients = new Set<Response>();
  const logger = deps.logger.child({ component: 'api.stream' });
  let nextId = 1;
  let keepalive: NodeJS.Timeout | null = null;
  let agentScan: NodeJS.Timeout | null = null;
  const online = new Map<string, boolean>();

  function write(res: Response, text: string): void {
    try {
      res.write(text);
    } catch (error) {
      logger.debug({ err: error }, 'stream write failed');
      clients.delete(res);
    }
  }

  function publish(event: StreamEvent): void {
    if (clients.size === 0) return;
    const text = `id: ${nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    for (const res of clients) write(res, text);
  }

  let baseline = false;
  // One scan at a time (a slow store must not stack them up); a scan that ends after the last listener left is dropped.
  let scanning = false;
  let epoch = 0;
  async function scanAgents(): Promise<void> {
    const { agents, store } = deps;
    if (!agents || !store || scanning) return;
    scanning = true;
    const session = epoch;
    let list;
    try {
      list = await agents.list(store.db);
    } catch (error) {
      logger.warn({ err: error }, 'agent scan for the console stream failed');
      return;
    } finally {
      scanning = false;
    }
    if (session !== epoch || clients.size === 0) return;
    for (const agent of list) {
      const was = online.get(agent.agentId);
      online.set(agent.agentId, agent.online);
      // After the first scan, a new agent or a changed flag is news.
      if (baseline && was !== agent.online) {
        publish({ type: 'agent', data: { agent_id: agent.agentId, online: agent.online, status_reason: agent.statusReason, at_ms: deps.now() } });
      }
    }
    baseline = true;
  }

  function startTimers(): void {
    keepalive ??= setInterval(() => {
      for (const res of clients) write(res, ': keepalive\n\n');
    }, KEEPALIVE_MS);
    if (deps.agents && deps.store && !agentScan) {
      void scanAgents();
      agentScan = setInterval(() => void scanAgents(), deps.agentScanMs ?? 2000);
    }
  }

  function stopTimers(): void {
    if (keepalive) clearInterval(keepalive);
    if (agentScan) clearInterval(agentScan);
    keepalive = agentScan = null;
    online.clear();
    baseline = false;
    epoch++;
  }

  const router = Router();
  router.get('/', (req, res) => {
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    clients.add(res);
    startTimers();
    write(res, `retry: 3000\nevent: ready\ndata: ${JSON.stringify({ at_ms: deps.now() })}\n\n`);
    res.on('close', () => {
      clients.delete(res);
      if (clients.size === 0) stopTimers();
    });
  });

  return {
    router,
    publish,
    onStateChange: (change: StateChange) => publish({ type: 'state', data: stateJson(change) }),
    onIncidentNotice: (notice: IncidentNotice) => publish({ type: 'incident', data: noticeJson(notice) }),
    clientCount: () => clients.size,
    /** Ends every stream (collector shutdown). */
    close(): void {
      stopTimers();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
export type StreamHub = ReturnType<typeof createStreamHub>;
