/**
 * `outpost store migrate` as a person runs it: --help explains the steps; a dry run and a real run print rows, time
 * and the check per table in the config's language (zh-CN by default); a second run into the now non-empty target
 * is refused with the table named (exit 2); --config adds its data_dir to the lock check; and the URL's password
 * appears nowhere in any output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock } from '../../../collector/store/data-dir-lock.js';
import { runOutpost } from '../../helpers/cli.js';
import { startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { populatedStore } from '../collector/store/migrate-store/populated-store.js';

const PASSWORD = 'Tr0ub4dor&3';
const dir = mkdtempSync(join(tmpdir(), 'outpost-migrate-cli-'));
const configFile = join(dir, 'collector.yaml');
let server: PostgresServer;
let source: string;

beforeAll(async () => {
  server = await startPostgres();
  source = await populatedStore(join(dir, 'data'));
  writeFileSync(configFile, `data_dir: ${join(dir, 'data')}\nlang: en\n`);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The test cluster trusts every login: a password in the URL is accepted and must stay hidden. */
async function targetUrl(name: string): Promise<string> {
  const url = new URL(await server.createDatabase(name));
  url.password = encodeURIComponent(PASSWORD);
  return url.toString();
}

describe('outpost store migrate', () => {
  it('--help explains what it does and how', async () => {
    const out = await runOutpost(['store', 'migrate', '--help']);
    expect(out.code).toBe(0);
    for (const text of ['--from <url>', '--to <url>', '--dry-run', 'Stop the collector', 'in ONE transaction', 'docs/ha.md', 'The password is never printed']) expect(out.stdout).toContain(text);
  });

  it('dry run, then the copy: a line per table with rows, time and its check; the password nowhere', async () => {
    const to = await targetUrl('cli_1');
    const dry = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', to, '--dry-run', '--config', configFile]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^dry run: sqlite:${source} → postgres://\\[redacted\\]@127\\.0\\.0\\.1:${server.port}/cli_1: every check passed`));

    const real = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', to, '--config', configFile]);
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    const lines = real.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`migrated sqlite:${source} to postgres://[redacted]@127.0.0.1:${server.port}/cli_1: row counts and checksums agree for every table`);
    expect(lines[1]).toMatch(/^table +rows +time +check$/);
    expect(lines.find((l) => l.startsWith('incidents '))).toMatch(/^incidents +3 +\d+\.\d\d s +ok$/);
    expect(lines.at(-1)).toMatch(/^total +\d+ +\d+\.\d\d s$/);

    const again = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', to, '--config', configFile]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`outpost: the target postgres://[redacted]@127.0.0.1:${server.port}/cli_1 is not empty: table agent_events has rows; migrate into an empty database\n`);
    for (const out of [dry, real, again]) expect(out.stdout + out.stderr).not.toContain(PASSWORD);
  });

  it('speaks zh-CN by default; a refused source says why in one line', async () => {
    const to = await targetUrl('cli_2');
    const dry = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', to, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^试运行：.+检查全部通过.+\n表 +行数 +用时 +校验\n/);
    const missing = await runOutpost(['store', 'migrate', '--from', `sqlite:${join(dir, 'none.db')}`, '--to', to]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`outpost: sqlite:${join(dir, 'none.db')}: no such file\n`);
    const wrong = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', `mysql://root:${PASSWORD}@127.0.0.1/x`]);
    expect(wrong.stderr).toBe('outpost: --to: unsupported scheme (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)\n');
    for (const out of [dry, missing, wrong]) expect(out.stdout + out.stderr).not.toContain(PASSWORD);
  });

  it('--config: a collector holding the config\'s data_dir is refused even when the SQLite file lies elsewhere', async () => {
    const elsewhere = join(dir, 'collector-home');
    mkdirSync(elsewhere, { recursive: true });
    const config = join(dir, 'elsewhere.yaml');
    writeFileSync(config, `data_dir: ${elsewhere}\nlang: en\nstore:\n  url: sqlite:${source}\n`);
    const lock = acquireDataDirLock(elsewhere);
    try {
      const out = await runOutpost(['store', 'migrate', '--from', `sqlite:${source}`, '--to', await targetUrl('cli_3'), '--config', config]);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(`outpost: sqlite:${source} is in use by a running collector (PID ${process.pid}, lock ${elsewhere}/collector.lock): stop the collector first; the copy must be of a store nobody writes\n`);
    } finally {
      lock.release();
    }
  });
});
