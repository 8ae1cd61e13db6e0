/**
 * Mounted file systems and their usage from /proc/self/mounts + fs.statfs, instead of si.fsSize(): that spawns
 * `df` and keeps systeminformation loaded in the long-lived agent (footprint; BENCHMARKS.md "Agent footprint").
 * Same selection as si's `df -l -x squashfs`: remote file systems are skipped (a dead NFS server must not hang
 * the check), squashfs and the other pseudo types are dropped later by the mount filter; figures as df computes them.
 */
import { statfs } from 'node:fs/promises';
import type { FsEntry } from './disks.js';

export interface MountEntry {
  device: string;
  mount: string;
  type: string;
}

/** The kernel escapes space, tab, newline and backslash in /proc/mounts as \040, \011, \012, \134. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses /proc/self/mounts (fstab format). Later entries for the same mount point hide earlier ones: kept last. */
export function parseProcMounts(text: string): MountEntry[] {
  const byMount = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    const [device, mount, type] = line.trim().split(/\s+/);
    if (!device || !mount || !type) continue;
    const entry = { device: unescapeMountField(device), mount: unescapeMountField(mount), type };
    byMount.delete(entry.mount); // re-insert so the visible (last) mount keeps the position of its latest line
    byMount.set(entry.mount, entry);
  }
  return [...byMount.values()];
}

const REMOTE_TYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'afs', 'ceph', 'glusterfs', 'lustre', 'fuse.sshfs', 'fuse.glusterfs']);

/**
 * Kernel pseudo file systems that have no blocks; never stat'ed, because stat'ing an autofs mount point mounts it
 * (systemd's /proc/sys/fs/binfmt_misc) — df skips these "dummy" types the same way.
 */
const DUMMY_TYPES = new Set([
  'autofs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf',
  'configfs', 'fusectl', 'mqueue', 'binfmt_misc', 'nsfs', 'rpc_pipefs', 'efivarfs', 'hugetlbfs',
]);

/** df's notion of remote (`df -l` skips these): host:path or //host/share devices and network fs types. */
export function isRemoteMount(entry: MountEntry): boolean {
  return REMOTE_TYPES.has(entry.type) || entry.device.startsWith('//') || (entry.device.includes(':') && !entry.device.startsWith('/'));
}

export interface BlockCounts {
  /** Fundamental block size in bytes. */
  bsize: number;
  blocks: number;
  bfree: number;
  /** Free blocks for unprivileged users (excludes the root reserve). */
  bavail: number;
}

/** df's arithmetic: used = blocks − free, Use% = used / (used + available). null for 0-block (dummy) file systems. */
export function usageFromBlocks(entry: MountEntry, b: BlockCounts): FsEntry | null {
  if (b.blocks <= 0 || b.bsize <= 0) return null;
  const usedBytes = (b.blocks - b.bfree) * b.bsize;
  const availableBytes = b.bavail * b.bsize;
  const denominator = usedBytes + availableBytes;
  return {
    device: entry.device,
    type: entry.type,
    mount: entry.mount,
    sizeBytes: b.blocks * b.bsize,
    usedBytes,
    availableBytes,
    usedPercent: denominator > 0 ? (usedBytes / denominator) * 100 : 0,
  };
}

/**
 * One entry per block device, as df shows them: bind mounts (and btrfs subvolumes) of a device already listed add
 * nothing but a duplicate alert; the shortest mount path stands for the device. Devices not under / (tmpfs...) stay.
 */
export function withoutBindDuplicates(entries: readonly MountEntry[]): MountEntry[] {
  const shortest = new Map<string, MountEntry>();
  for (const e of entries) {
    if (!e.device.startsWith('/')) continue;
    const seen = shortest.get(e.device);
    if (!seen || e.mount.length < seen.mount.length) shortest.set(e.device, e);
  }
  return entries.filter((e) => !e.device.startsWith('/') || shortest.get(e.device) === e);
}

/** Every local mounted file system with its usage; mounts that cannot be stat'ed (permissions, gone) are left out. */
export async function readFileSystems(
  mountsText: () => Promise<string>,
  stat: (mount: string) => Promise<BlockCounts> = (mount) => statfs(mount),
): Promise<FsEntry[]> {
  const local = withoutBindDuplicates(parseProcMounts(await mountsText()).filter((m) => !isRemoteMount(m) && !DUMMY_TYPES.has(m.type)));
  const usage = await Promise.all(local.map(async (m) => usageFromBlocks(m, await stat(m.mount).catch(() => ({ bsize: 0, blocks: 0, bfree: 0, bavail: 0 })))));
  return usage.filter((u): u is FsEntry => u !== null);
}
