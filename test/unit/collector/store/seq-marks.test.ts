/**
 * Dedupe as a set of seen (agent, incarnation, stream, seq): order does not matter, a redelivery is refused, two
 * collectors sharing one store (two connections to one file) accept each seq once between them, pruning folds old
 * rows into a floor that still refuses their replays, and an upgraded store's high-water marks become floors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../../collector/store/db.js';
import { migrations } from '../../../../collector/store/migrations/index.js';
import { createSeqMarks, DEFAULT_DEDUPE_WINDOW_MS } from '../../../../collector/store/seq-marks.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-seen-'));
  dirs.push(dir);
  return join(dir, 'outpost.db');
};
const count = (db: Db) => (db.prepare('SELECT count(*) AS n FROM seen_seqs').get() as { n: number }).n;

describe('seen seqs', () => {
  it('accepts seqs in any order once; a redelivery is "seen"', () => {
    const db = openDatabase(':memory:');
    const marks = createSeqMarks(db, { now: () => T0 });
    const verdicts = [5, 2, 9, 1, 2, 7, 5].map((seq) => marks.accept('a1', 'results', seq, 'inc1', T0));
    expect(verdicts).toEqual(['new', 'new', 'new', 'new', 'seen', 'new', 'seen']);
    marks.persist();
    expect(marks.highest('a1', 'results', 'inc1')).toBe(9);
    expect(marks.knows('a1', 'inc1')).toBe(true);
    expect(marks.knows('a1', 'inc2')).toBe(false);
  });

  it('keeps incarnations, streams and agents apart (a re-installed agent\'s seq 1 is new)', () => {
    const db = openDatabase(':memory:');
    const marks = createSeqMarks(db, { now: () => T0 });
    expect(marks.accept('a1', 'results', 1, 'old', T0)).toBe('new');
    expect(marks.accept('a1', 'results', 1, 'new', T0)).toBe('new');
    expect(marks.accept('a1', 'events', 1, 'new', T0)).toBe('new');
    expect(marks.accept('a2', 'results', 1, 'new', T0)).toBe('new');
    expect(marks.accept('a1', 'results', 1, undefined, T0)).toBe('new');
    expect(marks.accept('a1', 'results', 1, undefined, T0)).toBe('seen');
  });

  it('forgets the seqs of a rolled-back batch (the insert is part of the transaction)', () => {
    const db = openDatabase(':memory:');
    const marks = createSeqMarks(db, { now: () => T0 });
    const batch = db.transaction(() => {
      expect(marks.accept('a1', 'results', 3, 'i', T0)).toBe('new');
      marks.persist();
      throw new Error('commit failed');
    });
    expect(() => batch()).toThrow('commit failed');
    marks.resetCache();
    expect(marks.accept('a1', 'results', 3, 'i', T0)).toBe('new');
  });

  it('two collectors sharing one store (a $share group) accept each seq exactly once, whatever each one gets', () => {
    const file = tempFile();
    const dbA = openDatabase(file);
    const dbB = openDatabase(file);
    const a = createSeqMarks(dbA, { now: () => T0 });
    const b = createSeqMarks(dbB, { now: () => T0 });
    // The broker splits seqs 1..20 between the two; each of them also gets some of the other's after a reconnect.
    const toA = [2, 1, 4, 3, 6, 8, 10, 12, 14, 16, 18, 20, 5];
    const toB = [5, 7, 9, 11, 13, 15, 17, 19, 2, 4, 20];
    const accepted: number[] = [];
    let dropped = 0;
    for (let i = 0; i < Math.max(toA.length, toB.length); i++) {
      for (const [marks, db, list] of [[a, dbA, toA], [b, dbB, toB]] as const) {
        const seq = list[i];
        if (seq === undefined) continue;
        db.transaction(() => {
          if (marks.accept('agent', 'results', seq, 'inc', T0) === 'new') accepted.push(seq);
          else dropped++;
          marks.persist();
        })();
      }
    }
    expect([...accepted].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(dropped).toBe(toA.length + toB.length - 20);
    // The highest-seq fact is the maximum of both writers (never lowered by the one that saw fewer).
    expect(dbA.prepare("SELECT max_seq FROM seq_marks WHERE stream = 'results@inc'").get()).toEqual({ max_seq: 20 });
    dbA.close();
    dbB.close();
  });

  it('prunes rows older than the window into a floor that still refuses their replays; newer rows stay', () => {
    const db = openDatabase(':memory:');
    let now = T0;
    const marks = createSeqMarks(db, { now: () => now, windowMs: 60_000 });
    const batch = (fn: () => void) => db.transaction(() => (fn(), marks.persist()))();
    batch(() => [1, 2, 3].forEach((s) => marks.accept('a1', 'results', s, 'i', now)));
    now += 50_000;
    batch(() => [5, 6].forEach((s) => marks.accept('a1', 'results', s, 'i', now)));
    expect(count(db)).toBe(5);
    now = T0 + 70_000; // seqs 1..3 are past the window, 5 and 6 are not
    let pruned = 0;
    db.transaction(() => void (pruned = marks.persist()))();
    expect(pruned).toBe(3);
    expect(count(db)).toBe(2);
    expect(db.prepare('SELECT stream, floor_seq FROM seq_floors').all()).toEqual([{ stream: 'results@i', floor_seq: 3 }]);
    // Replays at or below the floor are refused as below the floor; the still-missing seq 4 is new (above it).
    expect(marks.accept('a1', 'results', 2, 'i', now)).toBe('below_floor');
    expect(marks.accept('a1', 'results', 4, 'i', now)).toBe('new');
    expect(marks.accept('a1', 'results', 6, 'i', now)).toBe('seen');
    // Another collector on the same store reads the floor from the database.
    const other = createSeqMarks(db, { now: () => now });
    expect(other.accept('a1', 'results', 3, 'i', now)).toBe('below_floor');
  });

  it('a long backlog is pruned a slice at a time, never more than the window allows', () => {
    const db = openDatabase(':memory:');
    let now = T0;
    const marks = createSeqMarks(db, { now: () => now, windowMs: 60_000 });
    db.transaction(() => {
      for (let s = 1; s <= 100; s++) marks.accept('a1', 'results', s, undefined, T0 + s * 1000);
    })();
    now = T0 + 10 * 86_400_000; // back after ten days: everything is past the window
    const slices: number[] = [];
    for (let i = 0; i < 10 && count(db) > 0; i++) {
      db.transaction(() => void slices.push(marks.persist()))();
      now += 10_000;
    }
    expect(slices.every((n) => n <= 30)).toBe(true);
    expect(slices.reduce((s, n) => s + n, 0)).toBe(100);
    expect(marks.accept('a1', 'results', 100, undefined, now)).toBe('below_floor');
    expect(marks.accept('a1', 'results', 101, undefined, now)).toBe('new');
    expect(DEFAULT_DEDUPE_WINDOW_MS).toBe(3_600_000);
  });

  it('an upgraded store keeps dropping what the old high-water marks dropped (marks become floors)', () => {
    const file = tempFile();
    const before = openDatabase(file, migrations.filter((m) => m.version < 17));
    before.prepare("INSERT INTO seq_marks (agent_id, stream, max_seq) VALUES ('old', 'results', 500), ('old', 'results@i1', 40)").run();
    before.close();
    const db = openDatabase(file);
    const marks = createSeqMarks(db, { now: () => T0 });
    expect(marks.accept('old', 'results', 500, undefined, T0)).toBe('below_floor');
    expect(marks.accept('old', 'results', 501, undefined, T0)).toBe('new');
    expect(marks.accept('old', 'results', 12, 'i1', T0)).toBe('below_floor');
    expect(marks.accept('old', 'results', 1, 'i2', T0)).toBe('new');
    expect(marks.knows('old', 'i1')).toBe(true);
    db.close();
  });
});
