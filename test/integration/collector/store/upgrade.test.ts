/**
 * Upgrade in place keeps the evidence: the collector starts on a SQLite store written by the released version
 * (test/fixtures/store-upgrade/release-0.1.0.db, made by make-fixture.ts beside it from commit 689f08c: results,
 * an incident with its timeline, an SLA pause, a maintenance window, a console session, an agent event), applies
 * the new migrations, and every row of every released table is still there, unchanged; the API shows the
 * incident as before; the old dedupe marks keep refusing replays while new seqs are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import type { MqttClient } from 'mqtt';
import { createLogger } from '../../../../common/logger.js';
import { createCollector, type RunningCollector } from '../../../../collector/collector.js';
import { sqlMigrations } from '../../../../collector/store/sql/migrations/index.js';
import { waitUntil } from '../../../helpers/wait.js';
import { VIEWER, configFor, connectAgent, counterValue, json, publishResult, result } from '../support.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/store-upgrade/release-0.1.0.db');
const RELEASED_VERSIONS = [1, 2, 3, 4, 5, 6, 7, 9, 10, 12];

type Row = Record<string, unknown>;
function snapshot(file: string): Map<string, Row[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    return new Map(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all() as Row[]]));
  } finally {
    db.close();
  }
}

describe('upgrade in place from the released store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-upgrade-'));
  const dataDir = join(dir, 'data');
  const before = snapshot(FIXTURE);
  // The fixture's own clock: retention prunes (expired sessions, old samples) judge it as of the day it was written.
  const fixtureNow = Math.max(...(before.get('incidents') ?? []).map((r) => Number(r.updated_at_ms))) + 60_000;
  const startedAt = Date.now();
  const now = () => fixtureNow + (Date.now() - startedAt);
  let running: RunningCollector;
  let agent: MqttClient;
  const api = (path: string) => fetch(`http://127.0.0.1:${running.apiPort}${path}`, { headers: { authorization: `Bearer ${VIEWER}` } });

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(FIXTURE, join(dataDir, 'outpost.db'));
    const config = configFor(dataDir, { incidents: { targets: { 'web-1': { group: 'shop', criticality: 'critical' } } } });
    running = await createCollector({ config, logger: createLogger({ level: 'silent' }), registry: new Registry(), now }).start();
  });
  afterAll(async () => {
    agent?.end(true);
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the fixture is the released schema with evidence in every kind of table', () => {
    expect((before.get('schema_migrations') ?? []).map((r) => r.version)).toEqual(RELEASED_VERSIONS);
    for (const table of ['incidents', 'incident_events', 'incident_pauses', 'maintenance_windows', 'console_sessions', 'state_intervals', 'observation_runs', 'agent_events', 'seq_marks']) {
      expect(before.get(table)?.length, table).toBeGreaterThan(0);
    }
  });

  it('migrates: the new versions are recorded after the released ones, which keep their dates', async () => {
    const rows = (await running.store.db.selectFrom('schema_migrations').select(['version', 'applied_at_ms']).orderBy('version').execute()) as Row[];
    expect(rows.map((r) => r.version)).toEqual(sqlMigrations.map((m) => m.version));
    expect(rows.filter((r) => RELEASED_VERSIONS.includes(Number(r.version)))).toEqual(before.get('schema_migrations')?.map((r) => ({ version: r.version, applied_at_ms: r.applied_at_ms })));
  });

  it('every row of every released table is still there, field for field', () => {
    const after = snapshot(join(dataDir, 'outpost.db'));
    for (const [table, rows] of before) {
      if (table === 'schema_migrations') continue;
      const now = after.get(table);
      expect(now, `table ${table}`).toBeDefined();
      // Columns a later migration added may sit beside the released ones; the released ones are unchanged.
      const released = (now ?? []).map((row) => Object.fromEntries(Object.keys(rows[0] ?? row).map((k) => [k, row[k]])));
      expect(released, `table ${table}`).toEqual(rows);
    }
    // The high-water marks became dedupe floors.
    expect(after.get('seq_floors')?.map((r) => [r.stream, r.floor_seq])).toEqual(before.get('seq_marks')?.map((r) => [r.stream, r.max_seq]));
  });

  it('the API shows the incident, its timeline, pause and the maintenance window as before', async () => {
    const [incident] = before.get('incidents') ?? [];
    const detail = await json(api(`/api/v1/incidents/${String(incident?.number)}`));
    expect(detail).toMatchObject({ number: incident?.number, status: 'resolved', severity: 'P1', acknowledged_by: 'o' });
    const kinds = (before.get('incident_events') ?? []).map((e) => e.kind);
    expect(kinds).toEqual(['opened', 'acknowledged', 'note', 'sla_paused', 'sla_resumed', 'resolved']);
    expect(JSON.stringify(detail)).toContain('磁盘扩容申请已提交');
    const maintenance = await json(api('/api/v1/maintenance'));
    expect(maintenance.items.map((m: { name: string }) => m.name)).toContain('机房断电检修');
  });

  it('after the upgrade a replay of the released agent\'s last seq is a duplicate; the next seq is applied', async () => {
    agent = await connectAgent(`mqtt://127.0.0.1:${running.mqttPort}`, 'web-1');
    const last = Number((before.get('seq_marks') ?? []).find((r) => r.stream === 'results@fixture-inc-1')?.max_seq);
    const extra = { target: 'web-1', check_type: 'disk', incarnation: 'fixture-inc-1' };
    await publishResult(agent, result('web-1', last, 'disk-root', 'crit', now() - 1000, extra));
    await publishResult(agent, result('web-1', last + 1, 'disk-root', 'ok', now() - 500, extra));
    const db = running.store.db;
    await waitUntil(async () => (await db.selectFrom('seen_seqs').select('seq').where('agent_id', '=', 'web-1').where('seq', '=', last + 1).executeTakeFirst()) !== undefined, 10_000, 'next seq applied');
    expect(await counterValue(running.registry, 'outpost_messages_duplicate_total', { kind: 'results' })).toBe(1);
    expect((await running.intervals.open(db, 'web-1', 'disk-root'))?.state).toBe('ok');
  });
});
