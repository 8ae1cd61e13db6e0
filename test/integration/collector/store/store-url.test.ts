/** `store.url: postgres://…` until the async store is wired: the collector refuses to start, and never falls back to SQLite. */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForPort } from '../../../helpers/ports.js';
import { stopProcess } from '../../../helpers/process.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const BIN = join(ROOT, 'dist/bin/outpost.js');

describe('outpost collector with store.url', () => {
  it('postgres://: exits 1 naming store.url and the unwired state, password redacted, no SQLite file created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-store-url-'));
    const dataDir = join(dir, 'data');
    const config = join(dir, 'collector.yaml');
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    writeFileSync(
      config,
      [
        `data_dir: ${dataDir}`,
        'store:',
        '  url: postgres://outpost:${PGPASS}@127.0.0.1:5432/outpost',
        `mqtt: { listen: { port: ${mqttPort} } }`,
        `api: { listen: { port: ${apiPort} } }`,
      ].join('\n'),
    );
    const out = spawnSync(process.execPath, [BIN, 'collector', '--config', config], {
      encoding: 'utf8',
      cwd: dir,
      timeout: 60_000,
      env: { ...process.env, PGPASS: 'pw-not-to-be-seen', OUTPOST_LOG_LEVEL: 'info' },
    });
    expect(out.status).toBe(1);
    expect(out.stderr.trim().split('\n').at(-1)).toBe(
      'outpost: collector failed to start: store.url postgres://[redacted]@127.0.0.1:5432/outpost: PostgreSQL is not wired into the collector yet ' +
        '(collector/store/README.md); remove store.url to keep SQLite in data_dir, or use sqlite:PATH',
    );
    expect(out.stdout + out.stderr).not.toContain('pw-not-to-be-seen');
    expect(existsSync(join(dataDir, 'outpost.db'))).toBe(false);
    // check-config predicts it, naming the key, without the password.
    const checked = spawnSync(process.execPath, [BIN, 'check-config', '--collector', config], { encoding: 'utf8', cwd: dir, timeout: 60_000, env: { ...process.env, PGPASS: 'pw-not-to-be-seen' } });
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain('store.url: PostgreSQL is not wired into the collector yet (the collector refuses to start with it): remove store.url or use sqlite:PATH');
    expect(checked.stdout + checked.stderr).not.toContain('pw-not-to-be-seen');
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
