/**
 * The agent's one ordered outbox, on disk: every message is appended (JSONL, no fsync) to the newest segment
 * file before it is published, and leaves only when its PUBACK arrives. So live results never overtake spooled
 * ones, a restart while disconnected loses nothing, and kill -9 loses at most what was not yet written.
 * Bounded by size and age: the oldest segment goes first; drops are counted and persisted until reported.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';

export type SpoolKind = 'results' | 'events';

export interface SpoolEntry {
  seq: number;
  kind: SpoolKind;
  /** The message as it will be published, minus `sent_at_ms` (stamped at publish time). */
  message: Record<string, unknown> & { observed_at_ms: number };
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  maxAgeMs: number;
  now: () => number;
  logger: Logger;
  /** Segment size; defaults to maxBytes/8 clamped to 4 KiB..1 MiB so size drops are fine-grained. */
  segmentBytes?: number;
}

interface Segment {
  id: number;
  file: string;
  bytes: number;
  lastSeq: number;
  newestAtMs: number;
}

interface PersistedState {
  acked_seq: number;
  dropped_unreported: number;
}

const SEGMENT_FILE = /^(\d{12})\.jsonl$/;

function parseLines(text: string): SpoolEntry[] {
  const entries: SpoolEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as SpoolEntry;
      if (Number.isSafeInteger(entry.seq) && entry.message && typeof entry.message === 'object') entries.push(entry);
    } catch {
      // a torn last line after a crash: it was never published, nothing to keep
    }
  }
  return entries;
}

export function openSpool(opts: SpoolOptions) {
  const log = opts.logger.child({ component: 'spool' });
  const segmentBytes = opts.segmentBytes ?? Math.min(1024 * 1024, Math.max(4096, Math.floor(opts.maxBytes / 8)));
  const stateFile = join(opts.dir, 'state.json');
  mkdirSync(opts.dir, { recursive: true, mode: 0o750 });

  let state: PersistedState = { acked_seq: 0, dropped_unreported: 0 };
  try {
    const raw = JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<PersistedState>;
    state = { acked_seq: Number(raw.acked_seq) || 0, dropped_unreported: Number(raw.dropped_unreported) || 0 };
  } catch {
    // first start or unreadable: resend everything still spooled (the collector dedupes on seq)
  }

  const segments: Segment[] = [];
  let highestSeq = state.acked_seq;
  for (const name of readdirSync(opts.dir).filter((n) => SEGMENT_FILE.test(n)).sort()) {
    const file = join(opts.dir, name);
    const entries = parseLines(readFileSync(file, 'utf8')).filter((e) => e.seq > state.acked_seq);
    if (entries.length === 0) {
      unlinkSync(file);
      continue;
    }
    const last = entries[entries.length - 1] as SpoolEntry;
    highestSeq = Math.max(highestSeq, last.seq);
    segments.push({
      id: Number(SEGMENT_FILE.exec(name)?.[1]),
      file,
      bytes: statSync(file).size,
      lastSeq: last.seq,
      newestAtMs: Math.max(...entries.map((e) => e.message.observed_at_ms)),
    });
  }

  /** Entries handed to the publisher whose PUBACK has not arrived, in send order. */
  let inflight: number[] = [];
  /** Highest seq handed out for publishing. */
  let sentSeq = state.acked_seq;
  let cache: { segmentId: number; entries: SpoolEntry[] } | null = null;
  let writeFd = -1;
  let persistTimer: NodeJS.Timeout | null = null;

  function persistNow(): void {
    if (persistTimer) clearTimeout(persistTimer);
    persistTimer = null;
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  }
  /** Ack progress is persisted lazily: losing it only means a resend, which the collector dedupes. */
  function persistSoon(): void {
    persistTimer ??= setTimeout(persistNow, 1000).unref();
  }

  function openWriteSegment(): void {
    const id = (segments[segments.length - 1]?.id ?? 0) + 1;
    const file = join(opts.dir, `${String(id).padStart(12, '0')}.jsonl`);
    writeFd = openSync(file, 'a', 0o640);
    segments.push({ id, file, bytes: 0, lastSeq: 0, newestAtMs: 0 });
  }
  openWriteSegment();

  function writeSegment(): Segment {
    return segments[segments.length - 1] as Segment;
  }

  function load(segment: Segment): SpoolEntry[] {
    if (cache?.segmentId !== segment.id) {
      cache = { segmentId: segment.id, entries: parseLines(readFileSync(segment.file, 'utf8')).filter((e) => e.seq > state.acked_seq) };
    }
    return cache.entries;
  }

  function ackedSeq(): number {
    return inflight.length > 0 ? (inflight[0] as number) - 1 : sentSeq;
  }

  function removeSegment(index: number): void {
    const [segment] = segments.splice(index, 1);
    if (!segment) return;
    if (cache?.segmentId === segment.id) cache = null;
    try {
      unlinkSync(segment.file);
    } catch (error) {
      log.warn({ err: error, file: segment.file }, 'cannot delete spool segment');
    }
  }

  /** Drops the oldest (non-write) segment, counting its entries that were never acked. */
  function dropOldest(reason: string): void {
    const segment = segments[0];
    if (!segment || segments.length < 2) return;
    const lost = load(segment).filter((e) => e.seq > state.acked_seq).length;
    removeSegment(0);
    inflight = inflight.filter((seq) => seq > segment.lastSeq);
    sentSeq = Math.max(sentSeq, segment.lastSeq);
    state.acked_seq = Math.max(state.acked_seq, segment.lastSeq);
    state.dropped_unreported += lost;
    log.warn({ dropped: lost, reason, segment: segment.file }, 'spool bound reached: dropped the oldest results');
    persistNow();
  }

  function totalBytes(): number {
    return segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  function enforceBounds(): void {
    while (segments.length > 1 && totalBytes() > opts.maxBytes) dropOldest('max_bytes');
    const cutoff = opts.now() - opts.maxAgeMs;
    while (segments.length > 1 && (segments[0] as Segment).newestAtMs < cutoff) dropOldest('max_age');
  }

  function deleteAckedSegments(): void {
    while (segments.length > 1 && (segments[0] as Segment).lastSeq <= state.acked_seq) removeSegment(0);
    if (cache) {
      const entries = cache.entries;
      let drop = 0;
      while (drop < entries.length && (entries[drop] as SpoolEntry).seq <= state.acked_seq) drop++;
      if (drop > 0) entries.splice(0, drop);
    }
  }

  return {
    /** Appends in seq order (the caller assigns seqs); written to the OS before this returns. */
    append(entry: SpoolEntry): void {
      const line = `${JSON.stringify(entry)}\n`;
      let segment = writeSegment();
      if (segment.bytes > 0 && segment.bytes + line.length > segmentBytes) {
        closeSync(writeFd);
        openWriteSegment();
        segment = writeSegment();
      }
      writeSync(writeFd, line);
      segment.bytes += Buffer.byteLength(line);
      segment.lastSeq = entry.seq;
      segment.newestAtMs = Math.max(segment.newestAtMs, entry.message.observed_at_ms);
      if (cache?.segmentId === segment.id) cache.entries.push(entry);
      enforceBounds();
    },

    /** Up to `max` entries after the send cursor, oldest first; entries older than max_age are dropped. */
    nextBatch(max: number): SpoolEntry[] {
      const out: SpoolEntry[] = [];
      const cutoff = opts.now() - opts.maxAgeMs;
      let expired = 0;
      for (const segment of segments) {
        if (out.length >= max) break;
        if (segment.lastSeq <= sentSeq) continue;
        for (const entry of load(segment)) {
          if (entry.seq <= sentSeq) continue;
          if (out.length >= max) break;
          sentSeq = entry.seq;
          if (entry.message.observed_at_ms < cutoff && inflight.length === 0 && out.length === 0) {
            expired++;
            state.acked_seq = entry.seq;
            continue;
          }
          out.push(entry);
          inflight.push(entry.seq);
        }
      }
      if (expired > 0) {
        state.dropped_unreported += expired;
        log.warn({ dropped: expired }, 'dropped spooled results older than spool.max_age');
        persistNow();
      }
      return out;
    },

    /** Marks a message delivered (PUBACK); segments fully acked are deleted. */
    ack(seq: number): void {
      const at = inflight.indexOf(seq);
      if (at === -1) return;
      inflight.splice(at, 1);
      const acked = ackedSeq();
      if (acked > state.acked_seq) {
        state.acked_seq = acked;
        deleteAckedSegments();
        persistSoon();
      }
    },

    /** Forgets what is in flight so it is sent again (after a publish failed). */
    rewind(): void {
      inflight = [];
      sentSeq = state.acked_seq;
    },

    inflightCount: () => inflight.length,
    /** True when everything appended has been acked. */
    isDrained: () => inflight.length === 0 && state.acked_seq >= writeSegment().lastSeq && segments.every((s) => s.lastSeq <= state.acked_seq),
    /** Entries not yet acked (reads segment files; for tests and diagnostics). */
    pendingCount(): number {
      return segments.reduce((n, s) => n + parseLines(readFileSync(s.file, 'utf8')).filter((e) => e.seq > state.acked_seq).length, 0);
    },
    bytes: totalBytes,
    /** The highest seq ever spooled here: a floor for the seq allocator. */
    highestSeq: () => Math.max(highestSeq, writeSegment().lastSeq),
    droppedUnreported: () => state.dropped_unreported,
    /** Called after the `spool_dropped` event was acked. */
    confirmDropsReported(count: number): void {
      state.dropped_unreported = Math.max(0, state.dropped_unreported - count);
      persistNow();
    },
    enforceBounds,
    close(): void {
      persistNow();
      if (writeFd >= 0) closeSync(writeFd);
      writeFd = -1;
    },
  };
}

export type Spool = ReturnType<typeof openSpool>;
