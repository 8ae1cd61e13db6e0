/**
 * Collectors in pairs, PostgreSQL stopped for 30 s under load (issue 13, docs/ha.md "PostgreSQL is unreachable"):
 * both collectors' /healthz turn 503 with the store down; they acknowledge nothing they could not commit, so the
 * broker keeps the messages in their persistent sessions (Mosquitto sized like deploy/mosquitto/mosquitto.conf);
 * once PostgreSQL is back /healthz is 200 again, each singleton job runs on exactly one of them, and every result the
 * agents sent is applied exactly once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres.js';
import type { MosquittoServer } from '../../../helpers/mosquitto.js';
import { SimAgent, expectEachSeqAppliedOnce, makePair, sqlClient, startDeployLikeMosquitto, waitBothIngesting, waitHealthy, type ApiCheck, type Pair } from './support.js';

const AGENTS = ['pair-pg-1', 'pair-pg-2', 'pair-pg-3'];

describe('two collectors on PostgreSQL behind Mosquitto: PostgreSQL stopped for 30 s under load', () => {
  let postgres: PostgresServer;
  let mosq: MosquittoServer;
  let pair: Pair;
  let storeUrl: string;
  let db: pg.Client | null = null;
  const agents: SimAgent[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    storeUrl = await postgres.createDatabase('pair_outage');
    mosq = await startDeployLikeMosquitto();
    pair = await makePair({ storeUrl, mqttUrl: mosq.url, name: 'outage' });
    for (const id of AGENTS) {
      const agent = new SimAgent(id, mosq.url);
      await agent.connect();
      agents.push(agent);
    }
    await pair.a.start();
    await pair.b.start();
    for (const proc of [pair.a, pair.b]) await waitHealthy(proc);
  }, 240_000);

  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await postgres?.resume().catch(() => undefined);
    await pair?.a.stop().catch(() => undefined);
    await pair?.b.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await pair?.webhook.close();
    await mosq?.stop();
    await postgres?.stop();
  }, 120_000);

  it('/healthz is 503 while the store is down and 200 after; the broker keeps what was not committed; nothing lost or applied twice', async () => {
    for (const agent of agents) agent.startLoad();
    await waitBothIngesting(pair);
    for (const agent of agents) agent.crit.add('down-1');

    await postgres.halt();
    const haltedAt = Date.now();
    const seqAtHalt = new Map(agents.map((a) => [a.id, a.lastSeq]));
    for (const proc of [pair.a, pair.b]) {
      await vi.waitFor(
        async () => {
          const { status, body } = await proc.health();
          expect({ id: proc.id, status, ok: body.ok, store: body.store }).toEqual({ id: proc.id, status: 503, ok: false, store: { engine: 'postgres', ok: false } });
        },
        { timeout: 30_000, interval: 500 },
      );
    }
    // The scenario's 30 s outage (results keep coming all along), not a wait for anything.
    await new Promise((r) => setTimeout(r, Math.max(0, haltedAt + 30_000 - Date.now())));
    // Both collectors are still there: an unreachable store is an outage to ride out, not a reason to exit.
    expect([pair.a.running, pair.b.running]).toEqual([true, true]);
    const sentDuringOutage = agents.map((a) => a.lastSeq - (seqAtHalt.get(a.id) ?? 0));
    expect(Math.min(...sentDuringOutage)).toBeGreaterThan(0);
    await postgres.resume();

    for (const proc of [pair.a, pair.b]) await waitHealthy(proc);
    // The singleton jobs run again, each on exactly one of the two (docs/ha.md: none runs while the store is down).
    await vi.waitFor(
      async () => {
        const [ha, hb] = await Promise.all([pair.a.health(), pair.b.health()]);
        const names = Object.keys(ha.body.jobs ?? {}).sort();
        expect(names.length).toBeGreaterThan(0);
        expect(Object.keys(hb.body.jobs ?? {}).sort()).toEqual(names);
        for (const name of names) {
          const ja = ha.body.jobs?.[name];
          const jb = hb.body.jobs?.[name];
          expect({ name, held: [ja?.held, jb?.held].filter(Boolean).length, same: ja?.holder === jb?.holder }).toEqual({ name, held: 1, same: true });
        }
      },
      { timeout: 60_000, interval: 500 },
    );
    // Load goes on a while after the outage, then stops with every result acknowledged by the broker.
    await vi.waitFor(
      async () => {
        const checks = (await pair.a.get<{ checks: ApiCheck[] }>('/api/v1/checks')).checks;
        const heard = Math.max(0, ...checks.map((c) => c.last_result.observed_at_ms));
        expect(heard).toBeGreaterThan(haltedAt + 30_000);
      },
      { timeout: 60_000, interval: 500 },
    );
    for (const agent of agents) await agent.stopLoad();

    db = await sqlClient(storeUrl);
    const client = db;
    await expectEachSeqAppliedOnce(client, agents, 180_000);
    const { rows } = await client.query<{ agent_id: string }>("SELECT agent_id FROM incidents WHERE check_id = 'down-1' ORDER BY agent_id");
    expect(rows.map((r) => r.agent_id)).toEqual(AGENTS);
    console.info(`[pair store-outage] sent during the 30 s outage: ${sentDuringOutage.join(', ')}; total per agent: ${agents.map((a) => a.acked.size).join(', ')}`);
  }, 600_000);
});
