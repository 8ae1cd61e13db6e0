/** CSV: RFC 4180 quoting, UTF-8 BOM, CRLF, plain typed values; parsed back field by field. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportDocument } from '../../../../collector/reports/document.js';
import { csvField, renderCsv } from '../../../../collector/reports/render-csv.js';

/** A small RFC 4180 reader for the read-back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  row.push(field);
  rows.push(row);
  return rows;
}

describe('csvField', () => {
  it('leaves plain text alone, quotes commas, quotes and line breaks (doubling quotes)', () => {
    expect(csvField('web-1')).toBe('web-1');
    expect(csvField('可用率')).toBe('可用率');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded ')).toBe(' padded ');
  });

  it('property: any text survives a round trip through the reader', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'Z', '中', ',', '"', '\n', '\r', ' ', '\t', '1') }), { minLength: 1, maxLength: 6 }), (fields) => {
        expect(parseCsv(fields.map(csvField).join(','))).toEqual([fields]);
      }),
    );
  });
});

describe('renderCsv', () => {
  const doc: ReportDocument = {
    title: 'SLA 服务水平月度报告',
    subtitle: 'acme, 2026-10',
    lang: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    sections: [
      { id: 'overview', title: '概览', facts: [{ label: '最低可用率', value: 99.73046, type: 'percent' }, { label: '停机时长', value: 9000.4, type: 'duration' }, { label: '达标', value: true, type: 'text' }] },
      {
        id: 'outages',
        title: '停机记录',
        table: {
          columns: [
            { label: '对象', type: 'text' },
            { label: '开始', type: 'datetime' },
            { label: '持续时间', type: 'duration' },
            { label: '大小', type: 'bytes' },
            { label: '原因', type: 'text' },
          ],
          rows: [
            ['web-1', '2026-10-02T16:00:00.000Z', 7200, 1_190_000_000.4, 'port, flapping "again"'],
            ['db-1', null, null, null, null],
          ],
        },
      },
    ],
  };

  it('BOM + CRLF; units in the headers; local date-times; percents 0–100 with 3 decimals; quoted causes', () => {
    const body = renderCsv(doc);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text.split('\r\n').slice(0, 3)).toEqual(['SLA 服务水平月度报告', '"acme, 2026-10"', '']);
    expect(parseCsv(text)).toEqual([
      ['SLA 服务水平月度报告'],
      ['acme, 2026-10'],
      [''],
      ['概览'],
      ['最低可用率 (%)', '99.73'],
      ['停机时长 (s)', '9000'],
      ['达标', '是'],
      [''],
      ['停机记录'],
      ['对象', '开始', '持续时间 (s)', '大小 (B)', '原因'],
      ['web-1', '2026-10-03 00:00', '7200', '1190000000', 'port, flapping "again"'],
      ['db-1', '', '', '', ''],
      [''],
    ]);
  });
});
