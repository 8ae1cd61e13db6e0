/**
 * The per-agent message sequence: strictly increasing across restarts, including kill -9, without a disk
 * write per message. Seqs are reserved in blocks: "reserved up to N" is persisted (fsync'd, atomically
 * renamed) before any seq ≤ N is handed out, and a restart begins at N+1, so a crash only skips numbers.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export interface SeqAllocator {
  /** The next seq; persists a new reservation first when the current block is used up. */
  next(): number;
  /** The last seq handed out (0 before the first). */
  last(): number;
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
export function openSeqAllocator(file: string, opts: { blockSize?: number; atLeast?: number } = {}): SeqAllocator {
  const blockSize = opts.blockSize ?? 1000;
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
  };
}
