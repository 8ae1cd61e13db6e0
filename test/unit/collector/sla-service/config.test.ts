import { describe, expect, it } from 'vitest';
import { derivationRuleOf, describeRule, servicesConfigSchema } from '../../../../collector/sla-service/config.js';
import { collectorConfigSchema } from '../../../../collector/config.js';

describe('services: config', () => {
  it('defaults the rule to all and parses at_least', () => {
    const [a, b] = servicesConfigSchema.parse([
      { name: 'shop', members: { targets: ['web-1'] } },
      { name: 'db', rule: { at_least: 2 }, members: { checks: [{ target: 'db-1', check_id: 'pg' }] } },
    ]);
    expect(a).toEqual({ name: 'shop', rule: 'all', members: { targets: ['web-1'], checks: [] } });
    expect(derivationRuleOf(a!.rule)).toEqual({ mode: 'all' });
    expect(derivationRuleOf(b!.rule)).toEqual({ mode: 'at_least', n: 2 });
    expect(derivationRuleOf('any')).toEqual({ mode: 'any' });
    expect(describeRule({ mode: 'at_least', n: 2 })).toBe('at_least 2');
  });

  it('names each problem with its path (empty members, duplicate names, unknown keys, bad rule)', () => {
    const result = collectorConfigSchema.safeParse({
      services: [
        { name: 'a', members: {} },
        { name: 'b', members: { targets: ['x'] }, rule: 'most' },
        { name: 'c', members: { targets: ['x'] }, colour: 'red' },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toContain('services.0.members: a service needs at least one member');
    expect(paths.some((p) => p.startsWith('services.1.rule'))).toBe(true);
    expect(paths.some((p) => p.startsWith('services.2') && p.includes('colour'))).toBe(true);
    const dup = servicesConfigSchema.safeParse([{ name: 'a', members: { targets: ['x'] } }, { name: 'a', members: { targets: ['y'] } }]);
    expect(dup.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['1.name', 'duplicate service "a"']]);
  });
});
