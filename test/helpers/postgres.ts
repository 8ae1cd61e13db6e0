/**
 * A PostgreSQL cluster of the test's own (DESIGN.md §6): `initdb` into a temp dir and `pg_ctl start` on a free port
 * bound to 127.0.0.1, with its Unix socket in the same dir; run as the `postgres` user when the tests run as root
 * (PostgreSQL refuses to run as root). Never the system service. `stop()` is `pg_ctl -m fast stop` and removes the dir;
 * `halt()` / `resume()` stop and restart the same cluster on the same port (an outage, its data kept).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';
import { isRoot } from './root.js';

const run = promisify(execFile);

export interface PostgresServer {
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication: no password). */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (`pg_ctl -m fast stop`: open connections are cut), keeping its data: an outage. */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port, with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest installed server's bin dir (`/usr/lib/postgresql/<major>/bin`), or null when PostgreSQL is missing. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? null : join(root, majors[0], 'bin');
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs a PostgreSQL tool, as the `postgres` user when root. */
async function tool(bin: string, args: string[]): Promise<void> {
  if (isRoot) {
    await run('su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(quote).join(' ')], { timeout: 120_000 });
  } else {
    await run(bin, args, { timeout: 120_000 });
  }
}

async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): test/run.sh installs the Debian package postgresql');
  const base = mkdtempSync(join(tmpdir(), 'outpost-pg-'));
  const data = join(base, 'data');
  const logFile = join(base, 'server.log');
  if (isRoot) {
    const { uid, gid } = await idOf('postgres');
    chownSync(base, uid, gid);
  }
  const port = await freePort();
  const pgCtl = join(bin, 'pg_ctl');
  // -l: pg_ctl would otherwise keep our stdout pipe open for the server's whole life.
  const startServer = () => tool(pgCtl, ['-D', data, '-l', logFile, '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', '-t', '120', 'start']);
  try {
    await tool(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await startServer();
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    rmSync(base, { recursive: true, force: true });
    throw new Error(`PostgreSQL test cluster failed to start: ${error instanceof Error ? error.message : String(error)}\n${log}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  let halted = false;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async halt() {
      if (stopped || halted) return;
      await tool(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
      halted = true;
    },
    async resume() {
      if (stopped || !halted) return;
      await startServer();
      halted = false;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (!halted) await tool(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
