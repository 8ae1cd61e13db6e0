/**
 * Incident titles and timeline notes as code + params: every source's title renders in zh-CN and en (no English
 * left in zh-CN), a stored row without a code shows its text, and the engine titles a check incident by what failed.
 */
import { describe, expect, it } from 'vitest';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { decide, titleTextFor } from '../../../../collector/incidents/engine.js';
import { english, localized, renderText, type CodedText } from '../../../../collector/incidents/texts.js';
import type { StateChange } from '../../../../collector/events.js';

const T0 = Date.parse('2026-11-02T02:00:00Z');
const config = incidentsConfigSchema.parse({});
const http: StateChange = {
  agentId: 'web01',
  target: 'web01',
  checkId: 'http_home',
  checkType: 'http',
  from: 'ok',
  to: 'crit',
  atMs: T0,
  reason: 'HTTP 503 from https://web01/',
  finding: { code: 'http.status', params: { status: 503, url: 'https://web01/', expected: '200-399' } },
  cause: 'result',
};

/** Latin words of three letters or more that are not names, units or codes. */
const ENGLISH = /\b(?!web01|http_home|HTTP|MQTT|INC|Gi0|ifIndex|mqtt|tcp|linkDown|shop|db01|core|dingtalk|nightly)[A-Za-z]{3,}\b/;

const samples: CodedText[] = [
  titleTextFor(http),
  titleTextFor({ ...http, checkId: 'agent', cause: 'agent_offline', finding: { code: 'agent.lost', params: {} } }),
  titleTextFor({ ...http, checkId: 'agent', cause: 'agent_stopped' }),
  titleTextFor({ ...http, checkId: 'nightly', checkType: 'heartbeat', finding: { code: 'heartbeat.late', params: { missed: 2, since_success_s: 90_000 } } }),
  { code: 'title.burn_rate', params: { target: 'db01', contract: 'shop', factor: 14.4, window: '1h' } },
  { code: 'title.broker_unreachable', params: { broker: 'mqtt://127.0.0.1:1883' } },
  { code: 'title.link_down', params: { interface: 'Gi0/3 (ifIndex 3)', target: 'core' } },
  { code: 'note.delivered', params: { channel: 'dingtalk', attempts: 1 } },
  { code: 'note.delivery_failed', params: { channel: 'dingtalk', attempts: 3, error: null } },
  { code: 'note.sla_breach', params: { timer: 'response', due_ms: T0 } },
  { code: 'note.sla_warning', params: { timer: 'resolution', percent: 80, due_ms: T0 } },
  { code: 'note.escalated', params: { level: 2, name: '技术总监' } },
  { code: 'note.severity_raised', params: { severity: 'P1' } },
  { code: 'note.unfolded', params: { parent: 'INC-20261102-0001' } },
  { code: 'note.auto_resolved', params: { message: 'ok', finding: { code: 'agent.back', params: {} } } },
  { code: 'note.burn_rate', params: { target_percent: 99.9, window: '1h', factor: 14.4, burn: 20 } },
  { code: 'note.burn_rate_recovered', params: {} },
  { code: 'note.broker_unreachable', params: { broker: 'mqtt://127.0.0.1:1883', seconds: 60 } },
];

describe('coded incident texts', () => {
  it('a check incident is titled by what failed, in the reader language', () => {
    const text = titleTextFor(http);
    expect(renderText(text, 'zh-CN', 'Asia/Shanghai')).toBe('web01 · http_home — HTTP 状态码 503 不在预期范围 200-399 内');
    expect(english(text)).toBe('web01 · http_home — HTTP status 503 not in 200-399');
  });

  it.each(samples.map((s) => [s.code, s] as const))('%s renders in zh-CN without English words and in en', (_code, text) => {
    const zh = renderText(text, 'zh-CN', 'Asia/Shanghai') as string;
    expect(zh).toBeTruthy();
    expect(zh).not.toMatch(ENGLISH);
    expect(zh).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(renderText(text, 'en', 'Asia/Shanghai')).toBeTruthy();
  });

  it('SLA notes show the due time in the reader zone, never UTC', () => {
    expect(renderText({ code: 'note.sla_breach', params: { timer: 'response', due_ms: T0 } }, 'zh-CN', 'Asia/Shanghai')).toBe('响应时限已超时（应于 2026-11-02 10:00 前完成）');
  });

  it('a row without a code (older, or a person’s words) shows its stored text; an unknown code too', () => {
    expect(localized('disk full on web01', null, null, 'zh-CN', 'Asia/Shanghai')).toBe('disk full on web01');
    expect(localized('kept', 'title.from_the_future', {}, 'zh-CN', 'Asia/Shanghai')).toBe('kept');
  });

  it('a result without a finding code is shown by its message', () => {
    const text = titleTextFor({ ...http, finding: undefined, reason: 'custom probe says no' });
    expect(renderText(text, 'zh-CN', 'Asia/Shanghai')).toBe('web01 · http_home — custom probe says no');
  });

  it('the engine stores the title and every note as code + params', () => {
    const [open] = decide(http, { current: null, lastResolved: null, hosts: [], agentLost: null }, config);
    expect(open).toMatchObject({ kind: 'open', titleText: { code: 'title.check' }, reasonText: { code: 'note.finding', params: { finding: http.finding } } });
  });
});
