import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchSegments, segmentRegExp, splitPattern } from '../../../../../agent/checks/backup/glob.js';

const m = (pattern: string, path: string) => matchSegments(pattern.split('/'), path.split('/'));

describe('backup glob matcher', () => {
  it.each([
    ['*.tar.gz', 'etc-2024.tar.gz', true],
    ['*.tar.gz', 'etc-2024.tar', false],
    ['db-??.sql', 'db-01.sql', true],
    ['db-??.sql', 'db-1.sql', false],
    ['*', 'a/b', false],
    ['**/*.sql', 'x.sql', true],
    ['**/*.sql', 'a/b/c/x.sql', true],
    ['a/**/x', 'a/x', true],
    ['a/**/x', 'a/b/c/x', true],
    ['a/**/x', 'b/x', false],
    ['a.b', 'axb', false],
    ['(x)+[1]', '(x)+[1]', true],
    ['**', 'deep/er/file', true],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(m(pattern, path)).toBe(expected);
  });

  it('a pattern without wildcards matches exactly itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9._-]{1,12}$/), fc.stringMatching(/^[a-z0-9._-]{1,12}$/), (a, b) => {
        expect(segmentRegExp(a).test(b)).toBe(a === b);
      }),
    );
  });

  it('`*` matches any name and `**/` any depth of names', () => {
    const name = fc.stringMatching(/^[a-z0-9.]{1,8}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 5 }), name, (dirs, file) => {
        expect(matchSegments(['**', '*'], [...dirs, file])).toBe(true);
        expect(matchSegments(['*'], [...dirs, file])).toBe(dirs.length === 0);
      }),
    );
  });

  it('splits the literal base directory from the pattern', () => {
    expect(splitPattern('/backup/db/*.gz')).toEqual({ base: '/backup/db', rest: ['*.gz'] });
    expect(splitPattern('/backup/**/x-?.gz')).toEqual({ base: '/backup', rest: ['**', 'x-?.gz'] });
    expect(splitPattern('/backup/db/full.gz')).toEqual({ base: '/backup/db', rest: ['full.gz'] });
    expect(splitPattern('/*.gz')).toEqual({ base: '/', rest: ['*.gz'] });
  });
});
