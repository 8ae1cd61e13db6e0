import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../common/config.js';
import { z } from 'zod';
import { notifyConfigSchema } from '../../../../collector/notify/config.js';

const fileSchema = z.strictObject({ notifications: notifyConfigSchema });

function parse(yaml: string, env: Record<string, string> = {}) {
  return parseConfigText(yaml, fileSchema, env);
}

const GOOD = `
notifications:
  lang: en
  retry: { attempts: 3, base_delay: 500ms, max_delay: 1m }
  channels:
    oncall-dingtalk:
      type: dingtalk
      url: https://oapi.dingtalk.com/robot/send?access_token=\${DT_TOKEN}
      secret: \${DT_SECRET}
      at_mobiles: ["13800138000"]
    ops-wecom:
      type: wecom
      url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1
    ops-feishu:
      type: feishu
      url: https://open.feishu.cn/open-apis/bot/v2/hook/t1
      secret: s
      format: post
    email-ops:
      type: email
      host: smtp.example.com
      port: 465
      security: tls
      auth: { user: ops, pass: "\${SMTP_PASS}" }
      from: "Outpost <outpost@example.com>"
      to: [ops@example.com]
    audit:
      type: webhook
      url: https://hooks.example.com/outpost
      secret: hs
      headers: { Authorization: "Bearer x" }
      timeout: 3s
  routes:
    - severities: [P1, P2]
      kinds: [opened, escalated]
      channels: [oncall-dingtalk, email-ops]
    - channels: [audit]
`;

describe('notifications config', () => {
  it('is optional: defaults to no channels, 5 attempts from 2 s; lang left to the collector top level', () => {
    const result = parse('notifications: {}\n');
    expect(result).toEqual({
      ok: true,
      config: {
        notifications: {
          channels: {},
          routes: [],
          retry: { attempts: 5, base_delay: 2_000, max_delay: 300_000 },
          queue_size: 1_000,
        },
      },
    });
  });

  it('parses every channel type, substitutes ${ENV} secrets and converts durations to ms', () => {
    const result = parse(GOOD, { DT_TOKEN: 'tok', DT_SECRET: 'SECabc', SMTP_PASS: 'pw' });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const n = result.config.notifications;
    expect(n.lang).toBe('en');
    expect(n.retry).toEqual({ attempts: 3, base_delay: 500, max_delay: 60_000 });
    expect(n.channels['oncall-dingtalk']).toMatchObject({
      type: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=tok',
      secret: 'SECabc',
      at_all: false,
      timeout: 10_000,
    });
    expect(n.channels['email-ops']).toMatchObject({ type: 'email', port: 465, security: 'tls', auth: { user: 'ops', pass: 'pw' }, cc: [] });
    expect(n.channels.audit).toMatchObject({ type: 'webhook', timeout: 3_000, headers: { Authorization: 'Bearer x' } });
    expect(n.channels['ops-feishu']).toMatchObject({ format: 'post' });
  });

  it('a missing secret variable is a problem naming the field', () => {
    const result = parse(GOOD, { DT_TOKEN: 'tok', SMTP_PASS: 'pw' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({
      path: 'notifications.channels.oncall-dingtalk.secret',
      message: 'environment variable DT_SECRET is not set',
    });
  });

  it('lists every channel problem with its path', () => {
    const result = parse(`
notifications:
  channels:
    a: { type: wecom, url: "ftp://x?key=1" }
    b: { type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send" }
    c: { type: email, host: h, from: me@example.com, to: [not-an-email] }
    d: { type: sms, url: "https://x" }
    e: { type: dingtalk, url: "https://x", colour: red }
    f: { type: email, host: h, from: me@example.com, to: [] }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(byPath['notifications.channels.a.url']).toBe('must be an http(s) URL');
    expect(byPath['notifications.channels.b.url']).toBe('must contain ?key=');
    expect(byPath['notifications.channels.c.to[0]']).toMatch(/email/i);
    expect(byPath['notifications.channels.d.type']).toMatch(/webhook|Invalid/);
    expect(byPath['notifications.channels.e.colour']).toBe('unknown key');
    expect(byPath['notifications.channels.f.to']).toBe('needs at least one recipient');
  });

  it('routes must name configured channels; bad channel names and max_delay < base_delay are reported', () => {
    const result = parse(`
notifications:
  retry: { base_delay: 10s, max_delay: 1s }
  channels:
    ok-hook: { type: webhook, url: "https://x.example/h" }
    Bad Name: { type: webhook, url: "https://x.example/h" }
  routes:
    - channels: [ok-hook, missing]
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { path: 'notifications.routes[0].channels[1]', message: 'unknown channel "missing"' },
        { path: 'notifications.channels.Bad Name', message: 'channel names are lower-case letters, digits, - and _' },
        { path: 'notifications.retry.max_delay', message: 'must not be shorter than base_delay' },
      ]),
    );
  });

  it('rejects unknown severities, kinds, languages and bad durations', () => {
    const result = parse(`
notifications:
  lang: fr
  retry: { base_delay: soon, attempts: 0 }
  routes:
    - severities: [P9]
      kinds: [exploded]
      channels: [x]
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'notifications.lang',
        'notifications.retry.base_delay',
        'notifications.retry.attempts',
        'notifications.routes[0].severities[0]',
        'notifications.routes[0].kinds[0]',
      ]),
    );
    expect(result.problems.find((p) => p.path === 'notifications.retry.base_delay')?.message).toBe(
      'invalid duration "soon" (use e.g. 30s, 5m, 4h, 2d)',
    );
  });

  it('reports channel and route problems together (one pass lists everything)', () => {
    const result = parse(`
notifications:
  channels:
    a: { type: wecom, url: "ftp://x" }
  routes:
    - channels: [a, zz]
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { path: 'notifications.channels.a.url', message: 'must be an http(s) URL' },
      { path: 'notifications.routes[0].channels[1]', message: 'unknown channel "zz"' },
    ]);
  });

  it('the example in collector/notify/README.md is valid', () => {
    const readme = readFileSync(new URL('../../../../collector/notify/README.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const env = Object.fromEntries(
      ['DINGTALK_TOKEN', 'DINGTALK_SECRET', 'WECOM_KEY', 'FEISHU_HOOK', 'FEISHU_SECRET', 'SMTP_PASSWORD', 'WEBHOOK_SECRET'].map((k) => [k, `v-${k}`]),
    );
    const result = parse(example!, env);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(Object.keys(result.config.notifications.channels)).toEqual(['oncall-dingtalk', 'ops-wecom', 'ops-feishu', 'email-ops', 'audit-hook']);
  });
});
