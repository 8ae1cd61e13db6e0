/**
 * Dedupe as a set of seen seqs, end to end through the embedded broker: a stream split and reordered the way a
 * `$share` group sees it is accepted in full, once; a redelivered seq is dropped and counted; a new incarnation's
 * seq 1 is heard at once, even below the old incarnation's seqs; state derivation re-derives late results.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { waitUntil } from '../../helpers/wait.js';
import { connectAgent, counterValue, publishResult, result, storeRows, startTestCollector, type TestCollector } from './support.js';

const BASE = Date.now() - 3_600_000;
const MIN = 60_000;

describe('dedupe by seen (agent, incarnation, seq)', () => {
  let tc: TestCollector;
  let agent: MqttClient;
  const seenRows = async (agentId: string) =>
    (await storeRows(tc.running, sql<{ n: number }>`SELECT count(*) AS n FROM seen_seqs WHERE agent_id = ${agentId}`))[0]?.n;
  const observations = async (agentId: string) =>
    (await storeRows(tc.running, sql<{ n: number }>`SELECT coalesce(sum(count), 0) AS n FROM observation_runs WHERE agent_id = ${agentId}`))[0]?.n;
  const duplicates = () => counterValue(tc.running.registry, 'outpost_messages_duplicate_total', { kind: 'results' });

  beforeAll(async () => {
    tc = await startTestCollector();
    agent = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'dd-1');
  });
  afterAll(async () => {
    agent?.end(true);
    await tc?.running.stop();
  });

  it('out-of-order seqs of two collectors\' shares are all accepted once; the interleaving does not matter', async () => {
    // Collector A's share (even seqs) arrived first, then B's share (odd seqs) after B's restart: no high-water mark.
    const states = ['ok', 'ok', 'crit', 'crit', 'ok', 'ok'] as const;
    const order = [2, 4, 6, 1, 3, 5];
    for (const seq of order) await publishResult(agent, result('dd-1', seq, 'web', states[seq - 1]!, BASE + seq * MIN, { incarnation: 'inc-a' }));
    await waitUntil(async () => (await observations('dd-1')) === 6, 10_000, 'six observations');
    expect(await seenRows('dd-1')).toBe(6);
    expect(await duplicates()).toBe(0);
    // The late odd seqs re-derived the history: crit from seq 3 to seq 5.
    expect((await tc.running.intervals.history(tc.running.store.db, 'dd-1', 'web', 0, Date.now())).map((i) => [i.state, i.startMs])).toEqual([
      ['ok', BASE + MIN],
      ['crit', BASE + 3 * MIN],
      ['ok', BASE + 5 * MIN],
    ]);
  });

  it('a redelivered seq is dropped and counted; nothing is applied twice', async () => {
    const before = await duplicates();
    await publishResult(agent, result('dd-1', 3, 'web', 'crit', BASE + 3 * MIN, { incarnation: 'inc-a' }));
    await publishResult(agent, result('dd-1', 6, 'web', 'ok', BASE + 6 * MIN, { incarnation: 'inc-a' }));
    await publishResult(agent, result('dd-1', 7, 'web', 'ok', BASE + 7 * MIN, { incarnation: 'inc-a' }));
    await waitUntil(async () => (await observations('dd-1')) === 7, 10_000, 'seq 7 applied');
    await waitUntil(async () => (await duplicates()) === before + 2, 10_000, 'two duplicates counted');
    expect(await seenRows('dd-1')).toBe(7);
  });

  it('a new incarnation is accepted at once (its seq 1 is below the old incarnation\'s seqs)', async () => {
    const before = await duplicates();
    await publishResult(agent, result('dd-1', 1, 'web', 'crit', BASE + 10 * MIN, { incarnation: 'inc-b' }));
    await waitUntil(async () => (await tc.running.intervals.open(tc.running.store.db, 'dd-1', 'web'))?.state === 'crit', 10_000, 'seq 1 of the new incarnation applied');
    expect(await observations('dd-1')).toBe(8);
    expect(await duplicates()).toBe(before);
    expect(await storeRows(tc.running, sql`SELECT incarnation, count(*) AS n FROM seen_seqs WHERE agent_id = 'dd-1' GROUP BY incarnation ORDER BY incarnation`)).toEqual([
      { incarnation: 'inc-a', n: 7 },
      { incarnation: 'inc-b', n: 1 },
    ]);
  });
});
