/**
 * `outpost store backup FILE` while a collector ingests: the copy passes `PRAGMA integrity_check`, is one moment's
 * snapshot (every seen seq in it has its observation in it, and vice versa), the command prints the rows per
 * table in the config's language, and an existing FILE is refused without --force (kept as it was), replaced with it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { runOutpost } from '../../helpers/cli.js';
import { waitUntil } from '../../helpers/wait.js';
import { connectAgent, publishResult, result, storeRows, startTestCollector, type TestCollector } from '../collector/support.js';

describe('outpost store backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-backup-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'collector.yaml');
  let tc: TestCollector;
  let agent: MqttClient;
  let publishing = true;
  let published = 0;
  let pump: Promise<void>;

  beforeAll(async () => {
    tc = await startTestCollector({}, dataDir);
    writeFileSync(configFile, `data_dir: ${dataDir}\nlang: en\n`);
    agent = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'bk-1');
    const base = Date.now() - 3_600_000;
    // Ingests all through the test: the backup runs against a store being written.
    pump = (async () => {
      while (publishing) {
        published++;
        await publishResult(agent, result('bk-1', published, `c${published % 5}`, published % 7 === 0 ? 'crit' : 'ok', base + published * 100));
      }
    })();
    await waitUntil(() => published > 200, 30_000, 'ingest under way');
  });
  afterAll(async () => {
    publishing = false;
    await pump;
    agent?.end(true);
    await tc?.running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the live store consistently and prints the rows per table', async () => {
    const file = join(dir, 'copy.db');
    const out = await runOutpost(['store', 'backup', file, '--config', configFile]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^backed up to ${file} \\(.+, integrity check ok\\)\\n`));
    expect(existsSync(`${file}-wal`)).toBe(false);
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const seen = (copy.prepare("SELECT count(*) AS n FROM seen_seqs WHERE agent_id = 'bk-1'").get() as { n: number }).n;
      const observations = (copy.prepare("SELECT coalesce(sum(count), 0) AS n FROM observation_runs WHERE agent_id = 'bk-1'").get() as { n: number }).n;
      const highest = (copy.prepare("SELECT max_seq FROM seq_marks WHERE agent_id = 'bk-1'").get() as { max_seq: number }).max_seq;
      expect(seen).toBeGreaterThan(0);
      // One moment: each result's dedupe row, observation and highest-seq mark were committed together.
      expect(observations).toBe(seen);
      expect(highest).toBe(seen);
      const line = out.stdout.split('\n').find((l) => l.startsWith('seen_seqs '));
      expect(line?.trim().split(/\s+/)).toEqual(['seen_seqs', String(seen)]);
      expect(out.stdout).toMatch(/\nschema_migrations +\d+\n/);
    } finally {
      copy.close();
    }
    // The collector went on ingesting past the snapshot.
    const after = published;
    await waitUntil(async () => ((await storeRows(tc.running, sql<{ n: number }>`SELECT count(*) AS n FROM seen_seqs WHERE agent_id = 'bk-1'`))[0]?.n ?? 0) >= after, 30_000, 'ingest went on');
  });

  it('refuses to overwrite FILE without --force (FILE unchanged); replaces it with --force', async () => {
    const file = join(dir, 'existing.db');
    writeFileSync(file, 'keep me');
    const refused = await runOutpost(['store', 'backup', file, '--config', configFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`outpost: ${file} exists: pass --force to overwrite it\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await runOutpost(['store', 'backup', file, '--config', configFile, '--force']);
    expect(forced.code).toBe(0);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('speaks the config\'s language (zh-CN by default) and names a missing database', async () => {
    const zhConfig = join(dir, 'zh.yaml');
    writeFileSync(zhConfig, `data_dir: ${dataDir}\n`);
    const file = join(dir, 'zh.db');
    const out = await runOutpost(['store', 'backup', file, '--config', zhConfig]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^已备份到 .+（.+，完整性检查通过）\n表 +行数\n/);
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, `data_dir: ${join(dir, 'nothing-here')}\n`);
    const missing = await runOutpost(['store', 'backup', join(dir, 'x.db'), '--config', empty]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`outpost: no collector database at ${join(dir, 'nothing-here', 'outpost.db')}\n`);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });
});
