/** Sizes in config (`500`, `10MB`, `1.5GiB`), the median of recent sizes, and the size history kept in stateDir. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

export function parseSizeBytes(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return null;
  const factor = UNITS[(match[2] ?? '').toLowerCase() || 'b'];
  return factor === undefined ? null : Math.round(Number(match[1]) * factor);
}

/** zod schema: bytes as a number or a string with a unit (decimal kB/MB/GB/TB, binary KiB/MiB/GiB/TiB). */
export const sizeSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseSizeBytes(value);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `invalid size ${JSON.stringify(value)} (use e.g. 1048576, 500MB, 2GiB)` });
    return z.NEVER;
  }
  return bytes;
});

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One backup seen by the check: identified by its newest file and mtime, so re-checking it adds nothing. */
export interface SizeEntry {
  key: string;
  sizeBytes: number;
}

const historySchema = z.array(z.strictObject({ key: z.string(), sizeBytes: z.number().min(0) }));

/** Reads the history; a missing or corrupt file starts a new one (the sizes are advisory, not state). */
export async function loadSizeHistory(file: string): Promise<SizeEntry[]> {
  try {
    const parsed = historySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Adds earlier backups found on disk that the history does not know yet, oldest first, before the known ones. */
export function seedSizeHistory(history: readonly SizeEntry[], found: readonly SizeEntry[]): SizeEntry[] {
  const known = new Set(history.map((h) => h.key));
  return [...found.filter((f) => !known.has(f.key)), ...history];
}

/** Appends `entry` unless it is the latest one already; keeps the newest `keep`. Written atomically. */
export async function recordSize(file: string, history: SizeEntry[], entry: SizeEntry, keep: number): Promise<SizeEntry[]> {
  if (history[history.length - 1]?.key === entry.key) return history;
  const next = [...history.filter((h) => h.key !== entry.key), entry].slice(-keep);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  await writeFile(temp, JSON.stringify(next));
  await rename(temp, file);
  return next;
}
