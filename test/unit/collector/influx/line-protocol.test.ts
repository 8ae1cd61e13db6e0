import { describe, expect, it } from 'vitest';
import { float, formatPoint, int, str } from '../../../../collector/influx/line-protocol.js';

describe('line protocol', () => {
  it('worked example: sorted tags, integer suffix, float, ms timestamp', () => {
    expect(formatPoint({ measurement: 'ping', tags: { target: 'db-1', agent: 'a1' }, fields: { up: int(1), rtt_avg_ms: float(0.25) }, timeMs: 1700000000000 })).toBe(
      'ping,agent=a1,target=db-1 rtt_avg_ms=0.25,up=1i 1700000000000',
    );
  });

  it('escapes measurement, tag keys/values and string fields', () => {
    expect(formatPoint({ measurement: 'a b,c', tags: { 'k=1': 'v 1,x=y' }, fields: { msg: str('say "hi"\\') }, timeMs: 5 })).toBe(
      'a\\ b\\,c,k\\=1=v\\ 1\\,x\\=y msg="say \\"hi\\"\\\\" 5',
    );
  });

  it('leaves out empty tags and non-finite numbers; no field → no line', () => {
    expect(formatPoint({ measurement: 'm', tags: { a: '', b: 'x' }, fields: { f: float(NaN), g: float(1) }, timeMs: 1 })).toBe('m,b=x g=1 1');
    expect(formatPoint({ measurement: 'm', tags: {}, fields: { f: float(Infinity) }, timeMs: 1 })).toBeNull();
  });

  it('int() truncates so the line is a valid integer', () => {
    expect(formatPoint({ measurement: 'm', tags: {}, fields: { n: int(2.9) }, timeMs: 1 })).toBe('m n=2i 1');
  });
});
