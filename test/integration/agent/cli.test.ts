/** The CLI as a child process (built dist/bin/outpost.js): check-config --agent and agent --once. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultMessageSchema } from '../../../common/protocol.js';
import { buildOnce, runOutpost, tcpTarget } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-agent-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
let target: Awaited<ReturnType<typeof tcpTarget>>;

beforeAll(async () => {
  await buildOnce();
  target = await tcpTarget();
}, 180_000);
afterAll(() => target?.close());

describe('outpost check-config --agent', () => {
  it('a valid file: exit 0 and "ok"', async () => {
    const path = file('ok.yaml', `agent: { id: cli-ok, state_dir: ${dir}/s }\nchecks:\n  - { type: tcp, host: 127.0.0.1, port: 22 }\n`);
    const run = await runOutpost(['check-config', '--agent', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${path}: ok (agent config)\n`);
  });

  it('every problem is printed with its path; exit 1', async () => {
    const path = file('bad.yaml', 'agent: { id: "NO SPACES" }\nmqtt: { keepalive: never, colour: red }\nchecks:\n  - { type: tcp, host: h, port: "x" }\n  - { type: nope }\n');
    const run = await runOutpost(['check-config', '--agent', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${path}: 5 problem(s):`);
    for (const line of [
      '  - agent.id: must match',
      '  - mqtt.keepalive: invalid duration "never"',
      '  - mqtt.colour: unknown key',
      '  - checks[0].port: Invalid input: expected number, received string',
      '  - checks[1].type: unknown check type "nope" (known types:',
    ]) {
      expect(run.stderr).toContain(line);
    }
  });

  it('an unreadable file and a missing environment variable are problems, not crashes', async () => {
    const missing = await runOutpost(['check-config', '--agent', join(dir, 'missing.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`(root): cannot read ${join(dir, 'missing.yaml')}: ENOENT`);
    const env = file('env.yaml', 'mqtt: { password: "${OUTPOST_TEST_UNSET_VAR}" }\n');
    const run = await runOutpost(['check-config', '--agent', env]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('mqtt.password: environment variable OUTPOST_TEST_UNSET_VAR is not set');
    const withEnv = await runOutpost(['check-config', '--agent', env], { OUTPOST_TEST_UNSET_VAR: 'x' });
    expect(withEnv.code).toBe(0);
  });

  it('--collector goes to the collector validator; no option is a usage error', async () => {
    const collector = await runOutpost(['check-config', '--collector', join(dir, 'c.yaml')]);
    expect(collector.code).toBe(1);
    expect(collector.stderr).toContain(join(dir, 'c.yaml'));
    const none = await runOutpost(['check-config']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('check-config needs --agent FILE or --collector FILE');
  });
});

describe('outpost agent', () => {
  it('--once prints every result as a JSON array and exits 0 when all are ok', async () => {
    const path = file('once-ok.yaml', `agent: { id: cli-once, state_dir: ${dir}/once }\nchecks:\n  - { type: tcp, name: up, host: 127.0.0.1, port: ${target.port} }\n`);
    const run = await runOutpost(['agent', '--once', '--config', path]);
    expect(run.code).toBe(0);
    const results = (JSON.parse(run.stdout) as unknown[]).map((r) => resultMessageSchema.parse(r));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ agent_id: 'cli-once', check_id: 'up', check_type: 'tcp', state: 'ok', metrics: { up: 1 } });
  });

  it('--once exits 1 when any result is crit', async () => {
    const closed = await tcpTarget();
    await closed.close(); // a port nobody listens on
    const path = file(
      'once-crit.yaml',
      `agent: { id: cli-once, state_dir: ${dir}/once }\nchecks:\n  - { type: tcp, name: up, host: 127.0.0.1, port: ${target.port} }\n  - { type: tcp, name: down, host: 127.0.0.1, port: ${closed.port} }\n`,
    );
    const run = await runOutpost(['agent', '--once', '--config', path]);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as Array<{ check_id: string; state: string; message: string }>;
    expect(results.map((r) => [r.check_id, r.state])).toEqual([['up', 'ok'], ['down', 'crit']]);
    expect(results[1]!.message).toContain('ECONNREFUSED');
  });

  it('a bad config: every problem on stderr, exit 2, the agent does not start', async () => {
    const path = file('run-bad.yaml', `agent: { state_dir: ${dir}/never }\nspool: { max_bytes: -1 }\nchecks:\n  - { type: tcp }\n`);
    const run = await runOutpost(['agent', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('spool.max_bytes:');
    expect(run.stderr).toContain('checks[0].host:');
    expect(run.stderr).toContain('checks[0].port:');
    expect(run.stdout).not.toContain('agent started');
  });
});
