/** `store.url`: a PostgreSQL that does not answer stops the start-up (never a fallback to SQLite); `sqlite:PATH` is that file. */
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
  it('postgres:// with nothing listening: exits 1, password never shown, no SQLite file created; check-config accepts the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-store-url-'));
    const dataDir = join(dir, 'data');
    const config = join(dir, 'collector.yaml');
    const [mqttPort, apiPort, pgPort] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(
      config,
      [
        `data_dir: ${dataDir}`,
        'store:',
        `  url: postgres://outpost:\${PGPASS}@127.0.0.1:${pgPort}/outpost`,
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
    expect(out.stderr.trim().split('\n').at(-1)).toMatch(/^outpost: collector failed to start: .*ECONNREFUSED/);
    expect(out.stdout + out.stderr).not.toContain('pw-not-to-be-seen');
    expect(existsSync(join(dataDir, 'outpost.db'))).toBe(false);
    // check-config checks the file (a PostgreSQL URL is valid); whether the server answers is the start-up's question.
    const checked = spawnSync(process.execPath, [BIN, 'check-config', '--collector', config], { encoding: 'utf8', cwd: dir, timeout: 60_000, env: { ...process.env, PGPASS: 'pw-not-to-be-seen' } });
    expect(checked.status, checked.stderr).toBe(0);
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
