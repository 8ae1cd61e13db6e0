import { describe, expect, it } from 'vitest';
import { isRemoteMount, parseProcMounts, readFileSystems, usageFromBlocks, withoutBindDuplicates, type BlockCounts } from '../../../../../agent/checks/host/mounts.js';

const PROC_MOUNTS = `proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/vda1 / ext4 rw,relatime 0 0
systemd-1 /proc/sys/fs/binfmt_misc autofs rw,relatime,fd=30 0 0
tmpfs /run tmpfs rw,nosuid,nodev,size=1000k 0 0
/dev/vdb1 /srv/my\\040data xfs rw,relatime 0 0
nas:/export /mnt/nas nfs4 rw,relatime 0 0
//fileserver/share /mnt/share cifs rw 0 0
/dev/vda1 /var/lib/docker/bind ext4 rw,relatime 0 0
/dev/loop0 /snap/core/1 squashfs ro 0 0
tmpfs /run tmpfs rw,size=2000k 0 0
`;

describe('parseProcMounts', () => {
  it('decodes octal escapes; a mount point mounted over keeps only its visible (last) entry', () => {
    const entries = parseProcMounts(PROC_MOUNTS);
    expect(entries.find((e) => e.mount === '/srv/my data')).toEqual({ device: '/dev/vdb1', mount: '/srv/my data', type: 'xfs' });
    expect(entries.filter((e) => e.mount === '/run')).toHaveLength(1);
    expect(entries.map((e) => e.mount)).toContain('/proc/sys/fs/binfmt_misc');
  });

  it('ignores blank and truncated lines', () => {
    expect(parseProcMounts('\n/dev/sda1 /\n\n')).toEqual([]);
  });
});

describe('isRemoteMount (df -l)', () => {
  it.each([
    [{ device: 'nas:/export', mount: '/mnt/nas', type: 'nfs4' }, true],
    [{ device: '//fileserver/share', mount: '/mnt/share', type: 'cifs' }, true],
    [{ device: 'user@host:/home', mount: '/mnt/ssh', type: 'fuse.sshfs' }, true],
    [{ device: '/dev/vda1', mount: '/', type: 'ext4' }, false],
    [{ device: 'tmpfs', mount: '/run', type: 'tmpfs' }, false],
  ])('%o → %s', (entry, remote) => expect(isRemoteMount(entry)).toBe(remote));
});

describe('withoutBindDuplicates', () => {
  it('one entry per block device, the shortest mount path; tmpfs instances all stay', () => {
    const kept = withoutBindDuplicates([
      { device: '/dev/vda1', mount: '/var/lib/docker/bind', type: 'ext4' },
      { device: '/dev/vda1', mount: '/', type: 'ext4' },
      { device: 'tmpfs', mount: '/run', type: 'tmpfs' },
      { device: 'tmpfs', mount: '/dev/shm', type: 'tmpfs' },
    ]);
    expect(kept.map((e) => e.mount)).toEqual(['/', '/run', '/dev/shm']);
  });
});

describe('usageFromBlocks (df arithmetic)', () => {
  const root = { device: '/dev/vda1', mount: '/', type: 'ext4' };
  it('worked example: 4 KiB blocks, 5 % root reserve', () => {
    // 1000 blocks, 300 free of which 250 available to users: used 700, df Use% = 700 / (700 + 250) = 73.68 %
    const usage = usageFromBlocks(root, { bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 });
    expect(usage).toMatchObject({ sizeBytes: 4_096_000, usedBytes: 2_867_200, availableBytes: 1_024_000 });
    expect(usage?.usedPercent).toBeCloseTo(73.684, 3);
  });

  it('0 blocks (dummy fs) or an unknown block size: not a file system worth listing', () => {
    expect(usageFromBlocks(root, { bsize: 4096, blocks: 0, bfree: 0, bavail: 0 })).toBeNull();
    expect(usageFromBlocks(root, { bsize: 0, blocks: 10, bfree: 0, bavail: 0 })).toBeNull();
  });

  it('a full file system with nothing available is 100 %; an empty one 0 %', () => {
    expect(usageFromBlocks(root, { bsize: 512, blocks: 10, bfree: 0, bavail: 0 })?.usedPercent).toBe(100);
    expect(usageFromBlocks(root, { bsize: 512, blocks: 10, bfree: 10, bavail: 10 })?.usedPercent).toBe(0);
  });
});

describe('readFileSystems', () => {
  it('stats local mounts only (never remote or autofs), drops the ones that fail or have no blocks', async () => {
    const statted: string[] = [];
    const stat = async (mount: string): Promise<BlockCounts> => {
      statted.push(mount);
      if (mount === '/srv/my data') throw new Error('EACCES');
      return { bsize: 4096, blocks: 100, bfree: 50, bavail: 40 };
    };
    const entries = await readFileSystems(async () => PROC_MOUNTS, stat);
    expect(statted.sort()).toEqual(['/', '/run', '/snap/core/1', '/srv/my data']);
    expect(entries.map((e) => e.mount).sort()).toEqual(['/', '/run', '/snap/core/1']);
    expect(entries.find((e) => e.mount === '/')).toMatchObject({ device: '/dev/vda1', type: 'ext4', sizeBytes: 409_600 });
  });
});
