import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSizeHistory, median, parseSizeBytes, recordSize } from '../../../../../agent/checks/backup/size.js';

describe('sizes', () => {
  it.each([
    [500, 500],
    ['500', 500],
    ['10MB', 10_000_000],
    ['10 mb', 10_000_000],
    ['1.5GiB', 1_610_612_736],
    ['2k', 2000],
    ['3 KiB', 3072],
    ['ten', null],
    ['5 parsecs', null],
    [-1, null],
  ])('%j → %j bytes', (input, bytes) => {
    expect(parseSizeBytes(input)).toBe(bytes);
  });

  it('median: worked examples and bounds', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (values) => {
        const m = median(values)!;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });

  it('history: one entry per backup, newest kept, corrupt file restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outpost-size-')), 'sub', 'h.json');
    expect(await loadSizeHistory(file)).toEqual([]);
    let h = await recordSize(file, [], { key: 'a', sizeBytes: 1 }, 3);
    h = await recordSize(file, h, { key: 'a', sizeBytes: 1 }, 3);
    for (const key of ['b', 'c', 'd']) h = await recordSize(file, h, { key, sizeBytes: 2 }, 3);
    expect(h.map((e) => e.key)).toEqual(['b', 'c', 'd']);
    expect(await loadSizeHistory(file)).toEqual(h);
    writeFileSync(file, '{not json');
    expect(await loadSizeHistory(file)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('{not json');
  });
});
