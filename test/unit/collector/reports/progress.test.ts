/** The CLI progress bar: drawn in place on a TTY, erased at the end, silent when not a terminal. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../../collector/reports/progress.js';

function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  s.isTTY = isTTY;
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return { s, text: () => text };
}

describe('createProgress', () => {
  it('on a TTY: one redrawn line per step, capped at 100 %, erased once at the end', async () => {
    const out = stream(true);
    const p = createProgress(out.s, 4);
    p.step('loading');
    p.step('building');
    for (let i = 0; i < 5; i++) p.step('rendered pdf');
    p.end();
    p.end();
    await new Promise((r) => setImmediate(r));
    const frames = out.text().split('\r').filter(Boolean);
    expect(frames[0]).toBe(`[#####---------------]  25% ${'loading'.padEnd(30)}`);
    expect(frames[1]).toBe(`[##########----------]  50% ${'building'.padEnd(30)}`);
    expect(frames[6]).toBe(`[####################] 100% ${'rendered pdf'.padEnd(30)}`);
    expect(frames.slice(7)).toEqual(['\u001b[2K']);
  });

  it('not a TTY (a pipe, a file, a test): writes nothing', async () => {
    const out = stream(false);
    const p = createProgress(out.s, 2);
    p.step('loading');
    p.end();
    await new Promise((r) => setImmediate(r));
    expect(out.text()).toBe('');
  });
});
