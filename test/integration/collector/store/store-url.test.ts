/** `store.url`: PostgreSQL keeps the collector's state in that database (never a SQLite file beside it); `sqlite:PATH` in that file. */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort, waitForPort } from '../../../helpers/ports.js';
import { storeLocations } from '../../../helpers/engines.js';
import { stopProcess } from '../../../helpers/process.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const BIN = join(ROOT, 'dist/bin/outpost.js');
const SECRET = 'pw-not-to-be-seen';

const locations = storeLocations('store_url');

async function collectorConfig(dir: string, storeUrl: string): Promise<{ config: string; apiPort: number; dataDir: string }> {
  const dataDir = join(dir, 'data');
  const config = join(dir, 'collector.yaml');
  const [mqttPort, apiPort] = [await freePort(), await freePort()];
  writeFileSync(config, [`data_dir: ${dataDir}`, 'store:', `  url: ${storeUrl}`, `mqtt: { listen: { port: ${mqttPort} } }`, `api: { listen: { port: ${apiPort} } }`].join('\n'));
  return { config, apiPort, dataDir };
}

describe('outpost collector with store.url', () => {
  it('postgres://: the state is in that database (migrated on start), no SQLite file in data_dir, the password never printed', async () => {
    const url = new URL(await locations.database());
    const dir = mkdtempSync(join(tmpdir(), 'outpost-store-url-'));
    // The test cluster trusts local connections: the password is only there to be kept out of every output.
    const { config, apiPort, dataDir } = await collectorConfig(dir, `postgres://postgres:\${PGPASS}@127.0.0.1:${url.port}${url.pathname}`);
    const output: string[] = [];
    const child = spawn(process.execPath, [BIN, 'collector', '--config', config], { cwd: dir, env: { ...process.env, PGPASS: SECRET, OUTPOST_LOG_LEVEL: 'info' } });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    try {
      await waitForPort(apiPort, 60_000);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
        expect(Number(rows[0]?.n)).toBeGreaterThan(10);
      } finally {
        await client.end();
      }
      expect(existsSync(join(dataDir, 'outpost.db'))).toBe(false);
    } finally {
      await stopProcess(child, 10_000);
    }
    expect(output.join('')).toContain('collector started');
    expect(output.join('')).not.toContain(SECRET);
    const checked = spawnSync(process.execPath, [BIN, 'check-config', '--collector', config], { encoding: 'utf8', cwd: dir, timeout: 60_000, env: { ...process.env, PGPASS: SECRET } });
    expect(checked.stdout + checked.stderr).not.toContain(SECRET);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  }, 120_000);

  it('postgres:// that cannot be reached: the collector exits 1 without printing the password, and creates no SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-store-url-'));
    const closed = await freePort();
    const { config, dataDir } = await collectorConfig(dir, `postgres://outpost:\${PGPASS}@127.0.0.1:${closed}/outpost`);
    const out = spawnSync(process.execPath, [BIN, 'collector', '--config', config], { encoding: 'utf8', cwd: dir, timeout: 60_000, env: { ...process.env, PGPASS: SECRET, OUTPOST_LOG_LEVEL: 'info' } });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('outpost: collector failed to start');
    expect(out.stdout + out.stderr).not.toContain(SECRET);
    expect(existsSync(join(dataDir, 'outpost.db'))).toBe(false);
  }, 90_000);

  it('sqlite:PATH: the collector keeps its state in that file, not in data_dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-store-url-'));
    const file = join(dir, 'elsewhere', 'state.db');
    const config = join(dir, 'collector.yaml');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    writeFileSync(config, [`data_dir: ${join(dir, 'data')}`, `store: { url: "sqlite:${file}" }`, `mqtt: { listen: { port: ${mqttPort} } }`, `api: { listen: { port: ${apiPort} } }`].join('\n'));
    const child = spawn(process.execPath, [BIN, 'collector', '--config', config], { cwd: dir, stdio: 'ignore' });
    try {
      await waitForPort(apiPort, 60_000);
      expect(existsSync(file)).toBe(true);
      expect(existsSync(join(dir, 'data', 'outpost.db'))).toBe(false);
    } finally {
      await stopProcess(child, 10_000);
    }
  }, 90_000);
});
