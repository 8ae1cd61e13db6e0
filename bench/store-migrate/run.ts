/**
 * `store migrate` benchmark: a SQLite store with ROWS rows (default 1,000,000: 40 % observation_runs, 40 %
 * state_intervals, 20 % seen_seqs — the tables that grow with a fleet) copied into PostgreSQL, verified, in one
 * transaction; prints time per table, rows per second, seconds per million rows and the peak RSS (the copy is
 * batched: memory must not grow with the table). Peer in the same run: PostgreSQL's own COPY loading the same rows
 * (exported to CSV beforehand, export not timed) into an equally migrated database — the floor for a load.
 * PostgreSQL is a cluster of the benchmark's own (initdb + pg_ctl on a free 127.0.0.1 port in a temp dir, as the
 * `postgres` user when root), stopped and removed at the end.
 * Build and run: npm run bench -- store-migrate [ROWS]
 */
import Database from 'better-sqlite3';
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrateStore } from '../../collector/store/migrate-store/migrate.js';
import { openSqlStore } from '../../collector/store/sql/connect.js';

const run = promisify(execFile);
const ROWS = Number(process.argv[2] ?? 1_000_000);
const isRoot = process.getuid?.() === 0;
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const tool = (bin: string, args: string[]) => (isRoot ? run('su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(quote).join(' ')]) : run(bin, args));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const root = '/usr/lib/postgresql';
const major = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0] : undefined;
if (major === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
const bin = join(root, major, 'bin');
const base = mkdtempSync(join(tmpdir(), 'outpost-bench-migrate-'));
if (isRoot) {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  chownSync(base, uid, Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
}
const port = await freePort();
const data = join(base, 'pg');
await tool(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
// Durable settings (fsync on), as a production server would run: the figure is for real commits.
await tool(join(bin, 'pg_ctl'), ['-D', data, '-l', join(base, 'pg.log'), '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1`, '-w', 'start']);
const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}

try {
  process.stdout.write(`store migrate benchmark — node ${process.version}, PostgreSQL ${major}, ${ROWS.toLocaleString('en')} rows\n`);
  const file = join(base, 'data', 'outpost.db');
  await (await openSqlStore({ kind: 'sqlite', file })).close();
  const db = new Database(file);
  const t0 = Date.UTC(2026, 10, 1);
  const [runs, intervals, seqs] = [Math.round(ROWS * 0.4), Math.round(ROWS * 0.4), ROWS - 2 * Math.round(ROWS * 0.4)];
  db.transaction(() => {
    const run = db.prepare('INSERT INTO observation_runs (agent_id, check_id, state, cause, first_ms, last_ms, count, reason, code, params_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < runs; i++) run.run(`host-${i % 1000}`, `check-${i % 10}`, i % 9 === 0 ? 'crit' : 'ok', 'result', t0 + i * 60_000, t0 + i * 60_000 + 59_000, 1 + (i % 30), i % 9 === 0 ? 'disk usage 97% — 磁盘使用率 97%' : 'ok', i % 9 === 0 ? 'disk.usage' : null, i % 9 === 0 ? '{"used_percent":97}' : null);
    const interval = db.prepare('INSERT INTO state_intervals (agent_id, check_id, check_type, target, state, start_ms, end_ms, reason, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < intervals; i++) interval.run(`host-${i % 1000}`, `check-${i % 10}`, 'disk', `host-${i % 1000}`, i % 2 ? 'crit' : 'ok', t0 + i * 1000, t0 + i * 1000 + 999, i % 2 ? 'disk usage 97%' : 'ok', 'result');
    const seq = db.prepare('INSERT INTO seen_seqs (agent_id, incarnation, stream, seq, received_at_ms) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < seqs; i++) seq.run(`host-${i % 1000}`, 'inc-1', 'results', i, t0 + i);
  })();
  db.close();

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const outcome = await migrateStore({ from: `sqlite:${file}`, to: await createDatabase('migrated') });
  const totalS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (!outcome.ok) throw new Error('the copy did not verify');
  for (const t of outcome.tables.filter((t) => t.rows >= 1000)) {
    process.stdout.write(`  ${t.table.padEnd(18)} ${t.rows.toLocaleString('en').padStart(10)} rows  ${(t.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(t.rows / (t.ms / 1000)).toLocaleString('en').padStart(8)} rows/s\n`);
  }
  process.stdout.write(`store migrate: ${totalS.toFixed(1)} s in all (checks, copy, verification, commit) = ${(totalS / (ROWS / 1e6)).toFixed(1)} s per million rows; peak RSS ${Math.round(peakRss / 2 ** 20)} MiB (${Math.round(rssBefore / 2 ** 20)} MiB before it started)\n`);

  // Peer: COPY of the same rows from CSV into an equally migrated database.
  const peerUrl = await createDatabase('peer');
  await (await openSqlStore({ kind: 'postgres', url: peerUrl })).close();
  const src = new Database(file, { readonly: true });
  const csv = (table: string, cols: string[]) => {
    const out = join(base, `${table}.csv`);
    const esc = (v: unknown) => (v === null ? '' : `"${String(v).replaceAll('"', '""')}"`);
    const lines = (src.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).raw(true).all() as unknown[][]).map((r) => r.map(esc).join(','));
    writeFileSync(out, `${lines.join('\n')}\n`);
    return out;
  };
  const tables: [string, string[]][] = [
    ['observation_runs', ['id', 'agent_id', 'check_id', 'state', 'cause', 'first_ms', 'last_ms', 'count', 'reason', 'code', 'params_json']],
    ['state_intervals', ['id', 'agent_id', 'check_id', 'check_type', 'target', 'state', 'start_ms', 'end_ms', 'reason', 'cause']],
    ['seen_seqs', ['agent_id', 'incarnation', 'stream', 'seq', 'received_at_ms']],
  ];
  const files = tables.map(([t, cols]) => ({ t, cols, file: csv(t, cols) }));
  src.close();
  const copyStarted = performance.now();
  const script = ['BEGIN;', ...files.map((f) => `\\copy ${f.t} (${f.cols.join(', ')}) FROM '${f.file}' CSV`), 'COMMIT;'].join('\n');
  writeFileSync(join(base, 'copy.sql'), `${script}\n`);
  await tool(join(bin, 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-d', peerUrl, '-f', join(base, 'copy.sql')]);
  const peerS = (performance.now() - copyStarted) / 1000;
  process.stdout.write(`peer: psql \\copy of the same rows (CSV, one transaction): ${peerS.toFixed(1)} s = ${(peerS / (ROWS / 1e6)).toFixed(1)} s per million rows; store migrate ${(totalS / peerS).toFixed(1)}× that\n`);
} finally {
  await tool(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
}
