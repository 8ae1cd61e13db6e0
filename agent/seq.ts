/**
 * The per-agent message sequence: strictly increasing across restarts, including kill -9, without a disk
 * write per message. Seqs are reserved in blocks: "reserved up to N" is persisted (fsync'd, atomically
 * renamed) before any seq ≤ N is handed out, and a restart begins at N+1, so a crash only skips numbers.
 *
 * The sequence has an incarnation, chosen when the agent's state is created (no seq file yet, or no incarnation
 * file: a fresh install, a wiped state_dir, an upgrade from an agent without incarnations) and kept in
 * `<state_dir>/incarnation`. The collector dedupes per (agent, incarnation), so a re-installed agent whose seq
 * starts again at 1 is heard at once instead of being dropped as duplicates until it passes the old mark.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { incarnationSchema } from '../common/protocol.js';

export interface SeqAllocator {
  /** The next seq; persists a new reservation first when the current block is used up. */
  next(): number;
  /** The last seq handed out (0 before the first). */
  last(): number;
  /** This sequence's incarnation (sent with every result and event). */
  readonly incarnation?: string;
}

/** A new incarnation: 128 random bits, base64url (22 characters). */
export function newIncarnation(): string {
  return randomBytes(16).toString('base64url');
}

function readIncarnation(file: string): string | null {
  try {
    const parsed = incarnationSchema.safeParse(readFileSync(file, 'utf8').trim());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function readReserved(file: string): number {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

function writeDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o640);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Opens the allocator persisted in `file`. `atLeast` is a floor from other evidence (the highest seq still
 * in the spool), which protects against a lost or corrupted reservation file.
 */
export function openSeqAllocator(file: string, opts: { blockSize?: number; atLeast?: number; incarnationFile?: string } = {}): SeqAllocator {
  const blockSize = opts.blockSize ?? 1000;
  const incarnationFile = opts.incarnationFile ?? join(dirname(file), 'incarnation');
  let incarnation = existsSync(file) ? readIncarnation(incarnationFile) : null;
  if (incarnation === null) {
    incarnation = newIncarnation();
    writeDurably(incarnationFile, `${incarnation}\n`);
  }
  let last = Math.max(readReserved(file), opts.atLeast ?? 0);
  let reserved = last;
  return {
    next() {
      if (last >= reserved) {
        reserved = last + blockSize;
        writeDurably(file, `${reserved}\n`);
      }
      last += 1;
      return last;
    },
    last: () => last,
    incarnation,
  };
}
