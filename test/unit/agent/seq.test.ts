import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSeqAllocator } from '../../../agent/seq.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'outpost-seq-')), 'seq');

describe('seq allocator', () => {
  it('starts at 1 and persists the reservation before handing out a block', () => {
    const file = fresh();
    const seq = openSeqAllocator(file, { blockSize: 10 });
    expect(seq.last()).toBe(0);
    expect(seq.next()).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('10\n');
    for (let i = 2; i <= 10; i++) expect(seq.next()).toBe(i);
    expect(readFileSync(file, 'utf8')).toBe('10\n');
    expect(seq.next()).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('20\n');
  });

  it('a restart (even after kill -9 mid-block) continues above every seq handed out', () => {
    const file = fresh();
    const first = openSeqAllocator(file, { blockSize: 100 });
    const handed = Array.from({ length: 7 }, () => first.next());
    // no close(): simulates a crash
    const second = openSeqAllocator(file, { blockSize: 100 });
    const next = second.next();
    expect(next).toBe(101);
    expect(next).toBeGreaterThan(Math.max(...handed));
  });

  it('a corrupted file falls back to the floor from the spool', () => {
    const file = fresh();
    writeFileSync(file, 'garbage');
    expect(openSeqAllocator(file, { atLeast: 4242 }).next()).toBe(4243);
  });

  it('is strictly increasing over many blocks and restarts', () => {
    const file = fresh();
    let previous = 0;
    for (let restart = 0; restart < 5; restart++) {
      const seq = openSeqAllocator(file, { blockSize: 7 });
      for (let i = 0; i < 23; i++) {
        const n = seq.next();
        expect(n).toBeGreaterThan(previous);
        previous = n;
      }
    }
  });

  it('chooses an incarnation when the state is created and keeps it across restarts', () => {
    const file = fresh();
    const first = openSeqAllocator(file);
    expect(first.incarnation).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(readFileSync(join(dirname(file), 'incarnation'), 'utf8')).toBe(`${first.incarnation}\n`);
    first.next();
    expect(openSeqAllocator(file).incarnation).toBe(first.incarnation);
  });

  it('a wiped state (no seq file) gets a new incarnation, so its seq 1 is not taken for a replay', () => {
    const file = fresh();
    const first = openSeqAllocator(file);
    first.next();
    rmSync(file);
    const again = openSeqAllocator(file);
    expect(again.next()).toBe(1);
    expect(again.incarnation).not.toBe(first.incarnation);
  });

  it('an agent upgraded from a version without incarnations (seq file, no incarnation file) gets one and keeps its seq', () => {
    const file = fresh();
    writeFileSync(file, '500\n');
    const seq = openSeqAllocator(file);
    expect(seq.incarnation).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(seq.next()).toBe(501);
  });
});
