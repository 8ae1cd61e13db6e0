import { describe, expect, it } from 'vitest';
import { sampleNotice } from '../../../helpers/notices.js';
import { escapeHtml, formatShanghaiTime, renderNotice, renderTitle } from '../../../../collector/notify/render.js';

// 2026-11-21 02:07:00 UTC = 10:07:00 in Asia/Shanghai.
const OPENED = Date.UTC(2026, 10, 21, 2, 7, 0);

const notice = sampleNotice;

describe('formatShanghaiTime', () => {
  it('formats in UTC+8 with a 24-hour clock', () => {
    expect(formatShanghaiTime(OPENED)).toBe('2026-11-21 10:07:00');
    expect(formatShanghaiTime(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01 00:00:00');
    expect(formatShanghaiTime(Date.UTC(2026, 0, 1, 0, 0, 5))).toBe('2026-01-01 08:00:05');
  });
});

describe('renderTitle', () => {
  it('Chinese by default', () => {
    expect(renderTitle(notice(), 'zh-CN')).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss');
    expect(renderTitle(notice({ kind: 'sla_breach' }, { severity: 'P3' }), 'zh-CN')).toBe(
      '【P3 中】INC-20261121-0007 SLA 已超时 — web-01 ping: 100% packet loss',
    );
  });

  it('English option', () => {
    expect(renderTitle(notice({ kind: 'resolved' }, { severity: 'P2', status: 'resolved' }), 'en')).toBe(
      '[P2 High] INC-20261121-0007 resolved — web-01 ping: 100% packet loss',
    );
  });
});

describe('renderNotice', () => {
  it('zh-CN text lists severity, status, target, check, Shanghai time and the link', () => {
    const r = renderNotice(notice());
    expect(r.title).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss');
    expect(r.text).toBe(
      [
        '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss',
        '',
        '级别：P1 紧急',
        '状态：待处理',
        '对象：web-01',
        '检查项：ping',
        '发生时间：2026-11-21 10:07:00 (UTC+8)',
        '工单链接：https://outpost.example.com/incidents/7',
      ].join('\n'),
    );
  });

  it('markdown has a heading, bold labels and a link', () => {
    const r = renderNotice(notice({ kind: 'acknowledged', atMs: OPENED + 600_000, actor: '张三', note: '正在处理' }, { status: 'acknowledged' }));
    expect(r.markdown).toBe(
      [
        '### 【P1 紧急】INC-20261121-0007 已确认 — web-01 ping: 100% packet loss',
        '',
        '- **级别**: P1 紧急',
        '- **状态**: 处理中',
        '- **对象**: web-01',
        '- **检查项**: ping',
        '- **发生时间**: 2026-11-21 10:07:00 (UTC+8)',
        '- **通知时间**: 2026-11-21 10:17:00 (UTC+8)',
        '- **操作人**: 张三',
        '- **说明**: 正在处理',
        '',
        '[查看工单](https://outpost.example.com/incidents/7)',
      ].join('\n'),
    );
  });

  it('English rendering with escalation detail and no url/target/check', () => {
    const r = renderNotice(notice({ kind: 'escalated', detail: 'technical director' }, { url: undefined, target: null, checkId: null }), 'en');
    expect(r.text).toBe(
      [
        '[P1 Critical] INC-20261121-0007 escalated — web-01 ping: 100% packet loss',
        '',
        'Severity: P1 Critical',
        'Status: open',
        'Opened: 2026-11-21 10:07:00 (UTC+8)',
        'Detail: technical director',
      ].join('\n'),
    );
    expect(r.markdown).not.toContain('](');
  });

  it('escapes user text: markdown emphasis/links and HTML', () => {
    const r = renderNotice(notice({ note: '<script>alert(1)</script> *bold* [x](y)\nsecond line' }));
    expect(r.markdown).toContain('- **说明**: <script>alert(1)</script> \\*bold\\* \\[x\\](y) second line');
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('<a href="https://outpost.example.com/incidents/7">查看工单</a>');
    expect(r.html).toContain('<h2 style="color:#d93026">【P1 紧急】INC-20261121-0007 已创建');
  });

  it('keeps the notice for structured channels', () => {
    const n = notice();
    expect(renderNotice(n).notice).toBe(n);
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('findings, due times and the time zone', () => {
  const finding = { code: 'backup.late', params: { age_s: 93_600, max_age_s: 86_400 }, message: 'last backup is 26 h old' };
  const due = { responseAtMs: OPENED + 30 * 60_000, resolutionAtMs: OPENED + 26 * 3_600_000 };

  it('an opened notice renders the finding from its code and says by when to respond and resolve (local time)', () => {
    const r = renderNotice(notice({ finding, due }, { checkId: 'nightly' }));
    expect(r.title).toBe('【P1 紧急】INC-20261121-0007 已创建 — web-01 nightly：最近一次备份已过去 1天 2小时，超过允许的 1天');
    expect(r.text).toContain('检查结果：最近一次备份已过去 1天 2小时，超过允许的 1天');
    // Same day: the time only; another day: month-day and time.
    expect(r.text).toContain('响应时限：请于 10:37 前响应');
    expect(r.text).toContain('解决时限：请于 11-22 12:07 前解决');
    expect(r.markdown).toContain('请于 10:37 前响应');
    expect(r.html).toContain('请于 11-22 12:07 前解决');
    expect(r.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('English, and another zone: times and the offset follow the collector timezone', () => {
    const r = renderNotice(notice({ kind: 'escalated', finding, due, detail: 'technical director', atMs: OPENED + 2 * 3_600_000 }, { checkId: 'nightly' }), { lang: 'en', timeZone: 'Europe/London' });
    expect(r.title).toBe('[P1 Critical] INC-20261121-0007 escalated — web-01 nightly: last backup is 1 d 2 h old, more than the allowed 1 d');
    expect(r.text).toContain('Opened: 2026-11-21 02:07:00 (UTC)');
    expect(r.text).toContain('Response: respond by 02:37');
    expect(r.text).toContain('Resolution: resolve by 11-22 04:07');
  });

  it('an acknowledged notice shows no due times; a finding the catalogue does not know keeps the title', () => {
    const r = renderNotice(notice({ kind: 'acknowledged', finding: { code: 'custom.thing', params: {}, message: 'odd' }, due }, { status: 'acknowledged' }));
    expect(r.text).not.toContain('时限');
    expect(r.title).toBe('【P1 紧急】INC-20261121-0007 已确认 — web-01 ping: 100% packet loss');
    expect(r.text).toContain('检查结果：odd');
  });
});
