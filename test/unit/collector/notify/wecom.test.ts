import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncateUtf8, wecomBody, WECOM_MARKDOWN_MAX_BYTES } from '../../../../collector/notify/wecom.js';

describe('truncateUtf8', () => {
  it('keeps short text as is', () => {
    expect(truncateUtf8('告警 ok', 100)).toBe('告警 ok');
  });

  it('cuts at a character boundary and marks the cut', () => {
    // '告' is 3 bytes; the ellipsis is 3 bytes: 10 bytes leave room for 2 characters.
    expect(truncateUtf8('告警告警告警', 10)).toBe('告警…');
  });

  it('never exceeds the limit and never produces a broken character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 4, max: 200 }), (text, max) => {
        const out = truncateUtf8(text, max);
        expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(max);
        expect(out).not.toContain('\uFFFD');
      }),
    );
  });
});

describe('wecomBody', () => {
  it('markdown message with mentions, within 4096 bytes', () => {
    const body = wecomBody({ title: 't', markdown: '中'.repeat(3000), text: '', html: '' }, { mention_users: ['zhangsan'] }) as {
      msgtype: string;
      markdown: { content: string };
    };
    expect(body.msgtype).toBe('markdown');
    expect(Buffer.byteLength(body.markdown.content, 'utf8')).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(wecomBody({ title: 't', markdown: 'x', text: '', html: '' }, { mention_users: ['a', 'b'] })).toEqual({
      msgtype: 'markdown',
      markdown: { content: 'x\n\n<@a> <@b>' },
    });
  });
});
