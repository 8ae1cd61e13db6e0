/**
 * A minimal glob over absolute paths (Node 20 has no fs.glob): `*` is any run of characters within one path
 * segment, `?` one character, `**` (a whole segment) any number of directories, including none. Everything else
 * is literal. Matching is pure; `findMatches` walks only from the longest literal prefix, never follows directory
 * symlinks (no loops) and stops after `maxEntries` directory entries.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

export interface MatchedFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

const hasMagic = (segment: string) => /[*?]/.test(segment);

/** One segment pattern (no `/`) as an anchored regular expression. */
export function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (const ch of segment) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Does the relative path (segments) match the pattern (segments)? `**` consumes zero or more segments. */
export function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const go = (p: number, s: number): boolean => {
    const key = `${p}:${s}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (p === pattern.length) result = s === path.length;
    else if (pattern[p] === '**') result = go(p + 1, s) || (s < path.length && go(p, s + 1));
    else result = s < path.length && segmentRegExp(pattern[p] ?? '').test(path[s] ?? '') && go(p + 1, s + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Splits an absolute pattern into the literal directory to start from and the pattern segments below it. */
export function splitPattern(pattern: string): { base: string; rest: string[] } {
  const segments = posix.normalize(pattern).split('/').filter((s, i) => s !== '' || i === 0);
  const firstMagic = segments.findIndex(hasMagic);
  if (firstMagic === -1) {
    const rest = segments.pop() ?? '';
    return { base: segments.join('/') || '/', rest: [rest] };
  }
  return { base: segments.slice(0, firstMagic).join('/') || '/', rest: segments.slice(firstMagic) };
}

/** Every regular file matching `pattern` (absolute). A missing base directory yields no files, not an error. */
export async function findMatches(pattern: string, maxEntries = 100_000): Promise<MatchedFile[]> {
  const { base, rest } = splitPattern(pattern);
  const recursive = rest.includes('**');
  const maxDepth = recursive ? Infinity : rest.length;
  const found: MatchedFile[] = [];
  let budget = maxEntries;

  async function walk(dir: string, relative: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      if (--budget < 0) throw new Error(`more than ${maxEntries} directory entries under ${base}; narrow the path pattern`);
      const path = join(dir, entry.name);
      const segments = [...relative, entry.name];
      if (entry.isDirectory()) {
        if (segments.length < maxDepth) await walk(path, segments);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (!matchSegments(rest, segments)) continue;
      const info = await stat(path).catch(() => null); // a dangling symlink or a file removed meanwhile
      if (info?.isFile()) found.push({ path, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    }
  }

  await walk(base, []);
  return found;
}
