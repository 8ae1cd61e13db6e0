import { describe, expect, it } from 'vitest';
import { eventsConfigSchema } from '../../../../collector/agent-events/config.js';
import { collectorConfigSchema } from '../../../../collector/config.js';
import { zodProblems } from '../../../../common/config.js';

describe('eventsConfigSchema', () => {
  it('fills documented defaults when the section is absent (90 days, built-in trap rules)', () => {
    expect(eventsConfigSchema.parse(undefined)).toEqual({ retention: 90 * 86_400_000, traps: { rules: [], builtin_rules: true } });
    expect(collectorConfigSchema.parse({}).events).toEqual({ retention: 90 * 86_400_000, traps: { rules: [], builtin_rules: true } });
  });

  it('normalises single match values to lists and parses the retention', () => {
    const cfg = eventsConfigSchema.parse({
      retention: '30d',
      traps: {
        builtin_rules: false,
        rules: [
          { match: { trap: 'linkDown', target: ['core-*', 'edge-1'] }, action: 'open', severity: 'P1', key: 'link', per_interface: true },
          { match: { trap: '1.3.6.1.4.1.9.*' }, action: 'record' },
        ],
      },
    });
    expect(cfg.retention).toBe(30 * 86_400_000);
    expect(cfg.traps.builtin_rules).toBe(false);
    expect(cfg.traps.rules[0]).toEqual({ match: { trap: ['linkDown'], target: ['core-*', 'edge-1'] }, action: 'open', severity: 'P1', key: 'link', per_interface: true });
    expect(cfg.traps.rules[1]).toEqual({ match: { trap: ['1.3.6.1.4.1.9.*'] }, action: 'record', per_interface: false });
  });

  it('lists every problem with its path', () => {
    const result = eventsConfigSchema.safeParse({
      bogus: 1,
      retention: '10m',
      traps: {
        rules: [
          { match: { oid: '1.2.3' }, action: 'record' },
          { action: 'open', key: 'link' },
          { action: 'resolve' },
          { action: 'page', key: 'x' },
          { action: 'open', severity: 'P2', key: 'has space' },
        ],
      },
    });
    expect(result.success).toBe(false);
    const problems = zodProblems(result.error!, ['events']).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContain('events.bogus: unknown key');
    expect(problems).toContain('events.traps.rules[0].match.oid: unknown key');
    expect(problems).toContain('events.traps.rules[1].severity: severity is required when action is open');
    expect(problems).toContain('events.traps.rules[2].key: key is required when action is resolve');
    expect(problems.some((p) => p.startsWith('events.traps.rules[3].action:'))).toBe(true);
    expect(problems).toContain('events.traps.rules[4].key: must be 1-64 letters, digits, ., _ or -');
    expect(problems.some((p) => p.startsWith('events.retention:'))).toBe(true);
  });
});
