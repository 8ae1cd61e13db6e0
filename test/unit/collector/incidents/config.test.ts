import { describe, expect, it } from 'vitest';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { zodProblems } from '../../../../common/config.js';

describe('incidentsConfigSchema', () => {
  it('fills documented defaults when the section is absent', () => {
    const cfg = incidentsConfigSchema.parse(undefined);
    expect(cfg).toEqual({
      enabled: true,
      grace_period: 600_000,
      auto_resolve: true,
      fold_under_host: true,
      reachability: { check_types: ['ping'], check_ids: [] },
      targets: {},
      rules: [],
      builtin_rules: true,
    });
  });

  it('normalises single match values to lists and parses durations', () => {
    const cfg = incidentsConfigSchema.parse({
      grace_period: '5m',
      targets: { 'db-1': { group: 'core', criticality: 'critical' }, web: {} },
      rules: [{ match: { state: 'crit', target: ['a', 'b'] }, severity: 'P1' }, { match: { group: 'lab' }, open: false }],
    });
    expect(cfg.grace_period).toBe(300_000);
    expect(cfg.targets.web).toEqual({ criticality: 'normal' });
    expect(cfg.rules[0]).toEqual({ match: { state: ['crit'], target: ['a', 'b'] }, severity: 'P1', open: true });
    expect(cfg.rules[1]).toEqual({ match: { group: ['lab'] }, open: false });
  });

  it('lists every problem with its path', () => {
    const result = incidentsConfigSchema.safeParse({
      bogus: 1,
      grace_period: 'soon',
      rules: [{ match: { statex: 'crit' }, severity: 'P1' }, { open: true }, { severity: 'P9' }],
      targets: { x: { criticality: 'vital' } },
    });
    expect(result.success).toBe(false);
    const problems = zodProblems(result.error!, ['incidents']).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContain('incidents.bogus: unknown key');
    expect(problems).toContain('incidents.rules[0].match.statex: unknown key');
    expect(problems).toContain('incidents.rules[1].severity: severity is required when open is true');
    expect(problems.some((p) => p.startsWith('incidents.rules[2].severity:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('incidents.grace_period: invalid duration "soon"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('incidents.targets.x.criticality:'))).toBe(true);
  });
});
