/** Contract members `all: true` and the quick start's contract `default` (added only when the config has none). */
import { describe, expect, it } from 'vitest';
import { collectorConfigSchema } from '../../../../collector/config.js';
import { DEFAULT_CONTRACT, withDefaultContract } from '../../../../collector/sla-service/default-contract.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { createSlaSetup, resolvePolicy } from '../../../../collector/sla/setup.js';

describe('members: { all: true }', () => {
  const setup = createSlaSetup(
    slaConfigSchema.parse({
      contracts: [
        { name: 'everything', policy: 'commitment-000', members: { all: true } },
        { name: 'bank', policy: 'contract-003', members: { targets: ['db-1'], groups: ['core'] } },
      ],
    }),
  );

  it('covers every target no other contract lists by name or group, whatever its order', () => {
    expect(resolvePolicy(setup, 'db-1', []).contract?.name).toBe('bank');
    expect(resolvePolicy(setup, 'app-1', ['core']).contract?.name).toBe('bank');
    expect(resolvePolicy(setup, 'web-9', []).contract?.name).toBe('everything');
    expect(resolvePolicy(setup, 'web-9', []).policy.name).toBe('commitment-000');
  });

  it('defaults to false, and the contract keeps its satisfaction target (default 90)', () => {
    const parsed = slaConfigSchema.parse({ contracts: [{ name: 'c', members: { targets: ['a'] } }, { name: 'd', satisfaction_target: 95, members: { all: true } }] });
    expect(parsed.contracts.map((c) => [c.members.all, c.satisfaction_target])).toEqual([
      [false, 90],
      [true, 95],
    ]);
  });

  it('refuses a non-boolean and an out-of-range target, naming the path', () => {
    const parsed = slaConfigSchema.safeParse({ contracts: [{ name: 'c', satisfaction_target: 120, members: { all: 'yes' } }] });
    expect(parsed.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['contracts.0.members.all', 'contracts.0.satisfaction_target']);
  });
});

describe('withDefaultContract', () => {
  it('adds contract "default" (every target, the default policy, 99.9 %, 24x7) when there is none', () => {
    const config = collectorConfigSchema.parse({ sla: { default_policy: 'commitment-004' } });
    const { config: out, added } = withDefaultContract(config);
    expect(added).toBe(true);
    expect(out.sla.contracts).toEqual([
      expect.objectContaining({ name: DEFAULT_CONTRACT, policy: 'commitment-004', calendar: '24x7', availability_target: 99.9, members: { targets: [], groups: [], all: true } }),
    ]);
    expect(config.sla.contracts).toEqual([]); // the input is not changed
    expect(resolvePolicy(createSlaSetup(out.sla), 'any-host', []).contract?.name).toBe('default');
  });

  it('leaves a config with contracts alone', () => {
    const config = collectorConfigSchema.parse({ sla: { contracts: [{ name: 'acme', members: { targets: ['web-1'] } }] } });
    expect(withDefaultContract(config)).toEqual({ config, added: false });
  });
});
