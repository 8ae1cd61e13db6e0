import { describe, expect, it } from 'vitest';
import { tcpCheck } from '../../../../../agent/checks/tcp/check.js';
import { checkRegistry } from '../../../../../agent/checks/registry.js';

describe('tcp config', () => {
  it('accepts host, port and thresholds; default target is the host', () => {
    const cfg = tcpCheck.configSchema.parse({ host: 'db.local', port: 5432, warn_ms: 50, crit_ms: 200 });
    expect(cfg).toEqual({ host: 'db.local', port: 5432, warn_ms: 50, crit_ms: 200 });
    expect(tcpCheck.defaultTarget(cfg, { hostname: 'h' })).toBe('db.local');
  });

  it.each([
    [{ port: 22 }, 'host'],
    [{ host: 'a', port: 0 }, 'port'],
    [{ host: 'a', port: 70000 }, 'port'],
    [{ host: 'a', port: 22, warn_ms: -1 }, 'warn_ms'],
    [{ host: 'a', port: 22, interval: '30s' }, 'interval'],
  ])('rejects %j naming %s', (input, field) => {
    const result = tcpCheck.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect([...issue.path, ...((issue as { keys?: string[] }).keys ?? [])]).toContain(field);
  });
});

describe('check registry', () => {
  it('maps every type to the plugin of that type', () => {
    for (const [type, plugin] of Object.entries(checkRegistry)) expect(plugin.type).toBe(type);
  });
});
