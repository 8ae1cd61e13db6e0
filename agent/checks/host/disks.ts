/**
 * Per-mount disk and inode usage, refreshed at most every `refreshMs` (default 60 s): one statfs per mounted file
 * system, not worth repeating every run because disk usage moves slowly (and a slow mount must not stall every run).
 * Inodes come from fs.statfs (files/ffree), one syscall each.
 */
import type { Series } from '../../../common/protocol.js';
import { round } from '../types.js';
import { selected } from './filters.js';

export interface FsEntry {
  device: string;
  type: string;
  mount: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** used / (used + available), as df prints it (reserved blocks excluded). */
  usedPercent: number;
}

export interface InodeCounts {
  files: number;
  ffree: number;
}

export interface MountUsage extends FsEntry {
  /** null when the file system has no fixed inode table (btrfs, some network fs report 0). */
  inodesUsedPercent: number | null;
  inodesTotal: number | null;
  inodesUsed: number | null;
}

export interface MountFilter {
  include: readonly string[];
  exclude: readonly string[];
  excludeTypes: readonly string[];
}

export interface DiskSources {
  fileSystems(): Promise<FsEntry[]>;
  statfs(mount: string): Promise<InodeCounts>;
}

export function selectMounts(entries: readonly FsEntry[], filter: MountFilter): FsEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (seen.has(e.mount) || filter.excludeTypes.includes(e.type) || !selected(e.mount, filter.include, filter.exclude)) return false;
    seen.add(e.mount);
    return true;
  });
}

export function inodeUsage(counts: InodeCounts | null): Pick<MountUsage, 'inodesUsedPercent' | 'inodesTotal' | 'inodesUsed'> {
  if (!counts || counts.files <= 0) return { inodesUsedPercent: null, inodesTotal: null, inodesUsed: null };
  const used = counts.files - counts.ffree;
  return { inodesUsedPercent: (used / counts.files) * 100, inodesTotal: counts.files, inodesUsed: used };
}

export function mountSeries(m: MountUsage): Series {
  const metrics: Record<string, number> = {
    used_percent: round(m.usedPercent, 2),
    size_bytes: m.sizeBytes,
    used_bytes: m.usedBytes,
    available_bytes: m.availableBytes,
  };
  if (m.inodesUsedPercent !== null) metrics.inodes_used_percent = round(m.inodesUsedPercent, 2);
  if (m.inodesTotal !== null) metrics.inodes_total = m.inodesTotal;
  if (m.inodesUsed !== null) metrics.inodes_used = m.inodesUsed;
  return { tags: { mount: m.mount, fs_type: m.type, device: m.device }, metrics };
}

/** Returns a function giving the cached mount usage, refreshing it when older than refreshMs. */
export function createDiskSampler(sources: DiskSources, filter: MountFilter, refreshMs: number) {
  let cached: { at: number; mounts: MountUsage[] } | null = null;
  return async function sample(nowMs: number): Promise<MountUsage[]> {
    if (cached && nowMs - cached.at < refreshMs && nowMs >= cached.at) return cached.mounts;
    const mounts = selectMounts(await sources.fileSystems(), filter);
    const usage = await Promise.all(
      mounts.map(async (m): Promise<MountUsage> => ({ ...m, ...inodeUsage(await sources.statfs(m.mount).catch(() => null)) })),
    );
    cached = { at: nowMs, mounts: usage };
    return usage;
  };
}
