import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeNonAscii } from '../../../../deploy/package/bundle.js';

const run = (source: string): unknown => JSON.parse(JSON.stringify(runInNewContext(source)));

describe('escapeNonAscii', () => {
  it('makes JavaScript ASCII-only and means the same in strings, templates, regular expressions and identifiers', () => {
    const source = [
      'const π = 1; // °C',
      '[',
      "  'Температура 25°C',",
      '  `${π}°`,',
      "  /[+-]([^°]*)/.exec('+12°C')[1],",
      "  /(ms|мс)/i.test('10 мс'),",
      "  /\\°/.test('°'),",
      "  '\\°',",
      "  '😀'.length,",
      "  /^.$/u.test('😀'),",
      "  '\\\\°',",
      ']',
    ].join('\n');
    const escaped = escapeNonAscii(source);
    expect(escaped).toMatch(/^[\x00-\x7f]*$/); // eslint-disable-line no-control-regex
    expect(run(escaped)).toEqual(['Температура 25°C', '1°', '12', true, true, '°', 2, true, '\\°']);
    expect(run(source)).toEqual(run(escaped));
  });
});
