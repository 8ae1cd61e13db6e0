/**
 * One schema, one set of migrations for both engines (collector/store/sql/migrations): on SQLite a store written by
 * the last release upgrades to exactly the schema of a fresh one (its schema_migrations history carries over); on
 * PostgreSQL the same tables, columns, keys and indexes; concurrent runners on an empty database apply each version
 * once.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlStore } from '../../../../../collector/store/sql/connect.js';
import { sqlMigrations } from '../../../../../collector/store/sql/migrations/index.js';
import { storeLocations } from '../../../../helpers/engines.js';
import { neutralFromPostgres, neutralFromSqlite, sqliteSchema } from './introspect.js';

const ROOT = resolve(import.meta.dirname, '../../../../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'outpost-sql-mig-'));

function history(file: string): Array<{ version: number; name: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version').all();
  } finally {
    db.close();
  }
}

function schemaOf(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return sqliteSchema(db);
  } finally {
    db.close();
  }
}

async function kyselySqlite(file: string, list = sqlMigrations) {
  const store = await openSqlStore({ kind: 'sqlite', file }, { migrations: list });
  await store.close();
}

const RELEASE_FIXTURE = join(ROOT, 'test/fixtures/store-upgrade/release-0.1.0.db');

describe('SQL migrations on SQLite', () => {
  it('versions ascend without repeats and keep every released one under its name (the last release\'s schema_migrations)', () => {
    const versions = sqlMigrations.map((m) => m.version);
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    const byVersion = new Map(sqlMigrations.map((m) => [m.version, m.name]));
    for (const released of history(RELEASE_FIXTURE)) expect(byVersion.get(released.version), `version ${released.version}`).toBe(released.name);
  });

  it('a store written by the last release, upgraded, has exactly the schema of a fresh one: tables, columns, types, not-null, defaults, keys, indexes, uniques, foreign keys', async () => {
    const dir = tmp();
    copyFileSync(RELEASE_FIXTURE, join(dir, 'upgraded.db'));
    await kyselySqlite(join(dir, 'upgraded.db'));
    await kyselySqlite(join(dir, 'fresh.db'));
    const fresh = schemaOf(join(dir, 'fresh.db'));
    const upgraded = schemaOf(join(dir, 'upgraded.db'));
    expect(Object.keys(upgraded)).toEqual(Object.keys(fresh));
    for (const table of Object.keys(fresh)) expect(upgraded[table], table).toEqual(fresh[table]);
    expect(history(join(dir, 'upgraded.db'))).toEqual(history(join(dir, 'fresh.db')));
  });

  it('recognise a database at the last migration (nothing applied) and one a few versions behind (the rest applied, rows kept)', async () => {
    const dir = tmp();
    const full = join(dir, 'full.db');
    await kyselySqlite(full);
    const store = await openSqlStore({ kind: 'sqlite', file: full }, { migrations: false });
    expect(await store.migrate()).toEqual({ applied: [] });
    await store.close();

    const behind = join(dir, 'behind.db');
    await kyselySqlite(behind, sqlMigrations.filter((m) => m.version <= 7));
    const old = new Database(behind);
    old.prepare("INSERT INTO agents (agent_id, last_seen_ms) VALUES ('web-1', 1733000000000)").run();
    old.prepare("INSERT INTO seq_marks (agent_id, stream, max_seq) VALUES ('web-1', 'results', 41)").run();
    old.prepare("INSERT INTO agent_events (agent_id, seq, kind, message, observed_at_ms, sent_at_ms, received_at_ms) VALUES ('web-1', 7, 'trap', 'link down', 1, 2, 3)").run();
    old.close();
    const upgrading = await openSqlStore({ kind: 'sqlite', file: behind }, { migrations: false });
    expect(await upgrading.migrate()).toEqual({ applied: sqlMigrations.filter((m) => m.version > 7).map((m) => m.version) });
    await upgrading.close();
    expect(schemaOf(behind)).toEqual(schemaOf(full));
    const db = new Database(behind, { readonly: true });
    expect(db.prepare('SELECT agent_id, incarnation FROM agents').all()).toEqual([{ agent_id: 'web-1', incarnation: null }]);
    expect(db.prepare('SELECT agent_id, stream, floor_seq FROM seq_floors').all()).toEqual([{ agent_id: 'web-1', stream: 'results', floor_seq: 41 }]);
    expect(db.prepare('SELECT id, agent_id, incarnation, seq, message FROM agent_events').all()).toEqual([{ id: 1, agent_id: 'web-1', incarnation: '', seq: 7, message: 'link down' }]);
    db.close();
  });

  it('two processes migrating one empty file at once: both succeed, each version recorded once', async () => {
    const file = join(tmp(), 'race.db');
    const script = `import(${JSON.stringify(join(ROOT, 'dist/collector/store/sql/connect.js'))}).then(async (m) => { const s = await m.openSqlStore({ kind: 'sqlite', file: ${JSON.stringify(file)} }); await s.close(); })`;
    const runOne = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => done({ code, stderr }));
      });
    const results = await Promise.all([runOne(), runOne()]);
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    expect(history(file).map((h) => h.version)).toEqual(sqlMigrations.map((m) => m.version));
  }, 120_000);
});

describe('SQL migrations on PostgreSQL', () => {
  const locations = storeLocations('migrations');

  it('produce the same tables, columns, keys, uniques, indexes, foreign keys and checks as on SQLite', async () => {
    const url = await locations.database();
    const store = await openSqlStore({ kind: 'postgres', url });
    const { rows } = await (await import('kysely')).sql<{ version: number; name: string }>`SELECT version, name FROM schema_migrations ORDER BY version`.execute(store.db);
    await store.close();
    expect(rows).toEqual(sqlMigrations.map((m) => ({ version: m.version, name: m.name })));
    const file = join(tmp(), 'kysely.db');
    await kyselySqlite(file);
    const sqlite = neutralFromSqlite(schemaOf(file));
    const postgres = await neutralFromPostgres(url);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    for (const table of Object.keys(sqlite)) expect(postgres[table], table).toEqual(sqlite[table]);
  }, 120_000);

  it('two collectors migrating one empty database at once: both succeed, each version applied once', async () => {
    const url = await locations.database();
    const [a, b] = await Promise.all([openSqlStore({ kind: 'postgres', url }, { migrations: false }), openSqlStore({ kind: 'postgres', url }, { migrations: false })]);
    try {
      const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
      expect([...ra.applied, ...rb.applied].sort((x, y) => x - y)).toEqual(sqlMigrations.map((m) => m.version));
      const { rows } = await (await import('kysely')).sql<{ version: number; n: number }>`SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version`.execute(a.db);
      expect(rows).toEqual(sqlMigrations.map((m) => ({ version: m.version, n: 1 })));
      expect(await a.migrate()).toEqual({ applied: [] });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 120_000);
});
