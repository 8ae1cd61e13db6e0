import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_PROFILES, chooseProfile } from '../../../../deploy/package/profile.js';

const root = join(import.meta.dirname, '../../../..');

describe('chooseProfile', () => {
  it('defaults to host (unset, empty, blank) and accepts poller', () => {
    for (const value of [undefined, '', '  ']) expect(chooseProfile(value)).toEqual({ ok: true, profile: 'host', flags: AGENT_PROFILES.host });
    expect(chooseProfile('poller')).toEqual({ ok: true, profile: 'poller', flags: [] });
    expect(chooseProfile(' host ')).toMatchObject({ ok: true, profile: 'host' });
  });

  it('refuses anything else, naming the setting and the choices', () => {
    expect(chooseProfile('Host')).toEqual({ ok: false, error: 'OUTPOST_AGENT_PROFILE: unknown profile "Host" (expected one of: host, poller)' });
    expect(chooseProfile('toString')).toMatchObject({ ok: false });
  });

  it("host's flags are the checkout unit's V8 flags (deploy/systemd/outpost-agent.service)", () => {
    const unit = readFileSync(join(root, 'deploy/systemd/outpost-agent.service'), 'utf8');
    const execStart = /^ExecStart=\S+ (.*?) \S+\/dist\/agent\/main\.js/m.exec(unit)?.[1];
    expect(execStart?.split(' ')).toEqual(AGENT_PROFILES.host);
  });
});

describe('the packaged unit', () => {
  const service = (file: string) =>
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z]\w+=/.test(l) && !/^(ExecStart|ExecStartPre|Environment)=/.test(l));

  it('has the same user, capabilities and hardening as deploy/systemd/outpost-agent.service', () => {
    expect(service('deploy/package/files/outpost-agent.service').sort()).toEqual(service('deploy/systemd/outpost-agent.service').sort());
  });

  it('runs /usr/bin/outpost-agent with the packaged config, validating it first', () => {
    const unit = readFileSync(join(root, 'deploy/package/files/outpost-agent.service'), 'utf8');
    expect(unit).toContain('\nExecStartPre=/usr/bin/outpost-agent check-config --agent /etc/outpost/agent.yaml\n');
    expect(unit).toContain('\nExecStart=/usr/bin/outpost-agent agent --config /etc/outpost/agent.yaml\n');
    expect(unit).toContain('\nEnvironmentFile=-/etc/outpost/agent.env\n');
    expect(unit).toContain('\nEnvironment=GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072\n');
  });

  it('agent.env sets the default profile and documents both', () => {
    const env = readFileSync(join(root, 'deploy/package/files/agent.env'), 'utf8');
    expect(env).toMatch(/^OUTPOST_AGENT_PROFILE=host$/m);
    for (const name of Object.keys(AGENT_PROFILES)) expect(env).toMatch(new RegExp(`^#\\s+${name}\\s`, 'm'));
  });
});
