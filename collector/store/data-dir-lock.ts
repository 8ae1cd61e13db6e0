/**
 * One collector per `data_dir`. Two collectors on one SQLite file would both ingest, both scan for silence and
 * both open incidents; the second one is refused at once with the holder's PID instead.
 *
 * `collector.lock` in the data_dir holds the holder's PID, the machine's boot id and a random token, created with
 * O_EXCL. A lock whose holder is gone (kill -9, power loss: its PID is no longer running, or the machine rebooted
 * since — a PID can be reused after a reboot) is stale and taken over. Release deletes the file only while it
 * still holds our token.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'collector.lock';

export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

interface LockContent {
  pid: number;
  boot_id: string | null;
  token: string;
  started_at_ms: number;
}

export interface LockDeps {
  pid?: number;
  /** The kernel's boot id (Linux); null where unknown. */
  bootId?: () => string | null;
  /** Is a process with this PID running? */
  alive?: (pid: number) => boolean;
  now?: () => number;
}

export interface DataDirLock {
  file: string;
  /** The stale lock that was taken over (its holder's PID), or null. */
  tookOverFrom: number | null;
  release(): void;
}

function linuxBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | null {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof raw.pid !== 'number' || !Number.isSafeInteger(raw.pid) || raw.pid <= 0) return null;
    return { pid: raw.pid, boot_id: typeof raw.boot_id === 'string' ? raw.boot_id : null, token: String(raw.token ?? ''), started_at_ms: Number(raw.started_at_ms) || 0 };
  } catch {
    return null;
  }
}

/** Takes the data_dir's lock or throws DataDirLockedError naming the running holder. */
export function acquireDataDirLock(dataDir: string, deps: LockDeps = {}): DataDirLock {
  const pid = deps.pid ?? process.pid;
  const bootId = (deps.bootId ?? linuxBootId)();
  const alive = deps.alive ?? processAlive;
  const now = deps.now ?? Date.now;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const token = randomBytes(12).toString('hex');
  let tookOverFrom: number | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      const running = holder !== null && (holder.boot_id === null || bootId === null || holder.boot_id === bootId) && alive(holder.pid);
      if (holder && running) {
        throw new DataDirLockedError(
          `data_dir ${dataDir} is in use by another collector (PID ${holder.pid}; lock file ${file}): stop that collector first, or give this one its own data_dir`,
          holder.pid,
        );
      }
      // Stale (holder gone) or unreadable (a crash while writing it): take it over.
      tookOverFrom = holder?.pid ?? tookOverFrom;
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify({ pid, boot_id: bootId, token, started_at_ms: now() } satisfies LockContent)}\n`);
    } finally {
      closeSync(fd);
    }
    return {
      file,
      tookOverFrom,
      release() {
        if (readLock(file)?.token !== token) return;
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`could not take the lock ${file}: it keeps being re-created by another process`);
}
