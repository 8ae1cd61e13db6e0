import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../../../collector/store/data-dir-lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'outpost-lock-'));
const boot = () => 'boot-1';

describe('data_dir lock', () => {
  it('is taken with the PID and released (only while it is still ours)', () => {
    const d = dir();
    const lock = acquireDataDirLock(d, { pid: 4242, bootId: boot, alive: () => true });
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 4242, boot_id: 'boot-1' });
    lock.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
  });

  it('a running holder refuses the second one at once, naming its PID; the holder keeps its lock', () => {
    const d = dir();
    const first = acquireDataDirLock(d, { pid: 100, bootId: boot, alive: () => true });
    let error: unknown;
    try {
      acquireDataDirLock(d, { pid: 200, bootId: boot, alive: (pid) => pid === 100 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holderPid).toBe(100);
    expect((error as Error).message).toBe(`data_dir ${d} is in use by another collector (PID 100; lock file ${join(d, LOCK_FILE)}): stop that collector first, or give this one its own data_dir`);
    first.release();
    expect(acquireDataDirLock(d, { pid: 200, bootId: boot, alive: () => true }).tookOverFrom).toBeNull();
  });

  it('takes over a stale lock: holder gone (kill -9), or from before a reboot (PID reused), or unreadable', () => {
    const d = dir();
    acquireDataDirLock(d, { pid: 100, bootId: boot, alive: () => true }); // never released: a crash
    expect(acquireDataDirLock(d, { pid: 200, bootId: boot, alive: () => false }).tookOverFrom).toBe(100);
    // PID 200 runs again after a reboot, but it is some other process now.
    expect(acquireDataDirLock(d, { pid: 300, bootId: () => 'boot-2', alive: () => true }).tookOverFrom).toBe(200);
    writeFileSync(join(d, LOCK_FILE), 'garbage');
    const lock = acquireDataDirLock(d, { pid: 400, bootId: () => 'boot-2', alive: () => true });
    expect(lock.tookOverFrom).toBeNull();
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: 400 });
  });

  it('release leaves a lock someone else took over alone', () => {
    const d = dir();
    const mine = acquireDataDirLock(d, { pid: 100, bootId: boot, alive: () => true });
    acquireDataDirLock(d, { pid: 200, bootId: boot, alive: (pid) => pid !== 100 });
    mine.release();
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 200 });
  });
});
