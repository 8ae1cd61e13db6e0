import { describe, expect, it } from 'vitest';
import { parseMeminfo } from '../../../../../agent/checks/host/meminfo.js';

const KiB = 1024;

describe('parseMeminfo (/proc/meminfo, kB)', () => {
  it('worked example: MemAvailable and swap used = total − free', () => {
    const text = ['MemTotal:       24684084 kB', 'MemFree:        20000000 kB', 'MemAvailable:   23394660 kB', 'Buffers:          100000 kB',
      'Cached:          3000000 kB', 'SwapTotal:       2097148 kB', 'SwapFree:        1048574 kB', 'HugePages_Total:       0', ''].join('\n');
    expect(parseMeminfo(text)).toEqual({
      totalBytes: 24_684_084 * KiB,
      availableBytes: 23_394_660 * KiB,
      swapTotalBytes: 2_097_148 * KiB,
      swapUsedBytes: 1_048_574 * KiB,
    });
  });

  it('kernels before 3.14 (no MemAvailable): free + buffers + cached, capped at total', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\n')?.availableBytes).toBe(350 * KiB);
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 100 kB\nCached: 200 kB\n')?.availableBytes).toBe(100 * KiB);
  });

  it('no swap: zeros, so the evaluation omits swap %', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemAvailable: 500 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')).toMatchObject({ swapTotalBytes: 0, swapUsedBytes: 0 });
  });

  it('without MemTotal: null (the reader throws naming the file)', () => {
    expect(parseMeminfo('')).toBeNull();
    expect(parseMeminfo('MemFree: 1 kB\n')).toBeNull();
  });
});
