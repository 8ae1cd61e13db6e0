import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServiceInstance, defaultServiceEnv, serviceCheck } from '../../../../../agent/checks/service/check.js';
import { neverAbort, testDeps } from '../deps.js';

describe('service config', () => {
  it('accepts exactly one selector', () => {
    expect(serviceCheck.configSchema.parse({ process: 'nginx', min_count: 2 })).toEqual({ process: 'nginx', min_count: 2 });
    expect(serviceCheck.configSchema.parse({ pattern: 'java .*kafka' })).toEqual({ pattern: 'java .*kafka' });
    expect(serviceCheck.configSchema.parse({ unit: 'nginx.service' })).toEqual({ unit: 'nginx.service' });
  });

  it.each([
    [{}, 'process', 'set exactly one of process, pattern, unit (got none)'],
    [{ process: 'a', unit: 'b.service' }, 'unit', 'set exactly one of process, pattern, unit (got process, unit)'],
    [{ pattern: '(' }, 'pattern', 'pattern must be a valid regular expression'],
    [{ unit: 'a b' }, 'unit', 'unit must be a systemd unit name like nginx.service'],
    [{ unit: '--all' }, 'unit', 'unit must not start with "-"'],
    [{ unit: 'a.service', min_count: 2 }, 'min_count', 'min_count applies to process/pattern, not unit'],
    [{ process: 'a', min_count: 0 }, 'min_count', undefined],
  ])('rejects %j at %s', (input, field, message) => {
    const result = serviceCheck.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.includes(field));
    expect(issue).toBeDefined();
    if (message) expect(issue!.message).toBe(message);
  });
});

describe('service unit mode with an injected systemctl', () => {
  it('reads systemctl output and detects a main pid change', async () => {
    const outputs = ['LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=100\n', 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=200\n'];
    const asked: string[] = [];
    const svc = createServiceInstance(serviceCheck.configSchema.parse({ unit: 'nginx.service' }), testDeps(), {
      ...defaultServiceEnv,
      systemdRunDir: mkdtempSync(join(tmpdir(), 'outpost-systemd-')),
      systemctlShow: async (u) => {
        asked.push(u);
        return outputs.shift() ?? '';
      },
    });
    expect((await svc.run(neverAbort())).state).toBe('ok');
    const second = await svc.run(neverAbort());
    expect(second).toMatchObject({ state: 'warn', metrics: { restarts: 1 } });
    expect(asked).toEqual(['nginx.service', 'nginx.service']);
  });

  it('unknown when systemd is not running', async () => {
    const svc = createServiceInstance(serviceCheck.configSchema.parse({ unit: 'nginx.service' }), testDeps(), {
      ...defaultServiceEnv,
      systemdRunDir: '/nonexistent/systemd/system',
    });
    const result = await svc.run(neverAbort());
    expect(result.state).toBe('unknown');
    expect(result.message).toMatch(/systemd is not running on this host/);
  });

  it('a failing systemctl is a broken check (throws)', async () => {
    const svc = createServiceInstance(serviceCheck.configSchema.parse({ unit: 'nginx.service' }), testDeps(), {
      ...defaultServiceEnv,
      systemdRunDir: mkdtempSync(join(tmpdir(), 'outpost-systemd-')),
      systemctlShow: () => Promise.reject(new Error('systemctl show nginx.service failed: Failed to connect to bus')),
    });
    await expect(svc.run(neverAbort())).rejects.toThrow(/Failed to connect to bus/);
  });
});
