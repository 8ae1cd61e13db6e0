/**
 * Resolution-time extensions with the customer's consent (seed 003: 如果要求延长优先级为高和中的事件的解决时间，必须经企业代表同意):
 * the policy key `extensions`, the contract-003 preset, and how an extension moves the resolution due.
 */
import { describe, expect, it } from 'vitest';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { computeIncidentSla } from '../../../../collector/sla/incident-sla.js';
import { PRESET_POLICIES } from '../../../../collector/sla/presets.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import type { IncidentFacts } from '../../../../collector/sla/timers.js';

const M = 60_000;
const H = 60 * M;
// Monday 2026-10-12 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-12T02:00:00Z');

// Acknowledged at opening: contract-003 starts its resolution clock at acknowledgement.
const facts = (extra: Partial<IncidentFacts> = {}): IncidentFacts => ({ openedAtMs: T0, acknowledgedAtMs: T0, resolvedAtMs: null, pauses: [], maintenance: [], ...extra });

describe('policy extensions', () => {
  it('contract-003 allows them for 高 (P2) and 中 (P3) only; other presets for none', () => {
    expect(PRESET_POLICIES['contract-003']!.extensions).toEqual(['P2', 'P3']);
    expect(PRESET_POLICIES['levels-i-iv']!.extensions).toEqual([]);
  });

  it('a policy states them, or inherits its preset\'s', () => {
    const setup = createSlaSetup(
      slaConfigSchema.parse({
        policies: { gold: { extends: 'contract-003' }, strict: { extends: 'contract-003', extensions: [] }, loose: { extends: 'levels-i-iv', extensions: ['P1', 'P4'] } },
      }),
    );
    expect(setup.policies.get('gold')!.extensions).toEqual(['P2', 'P3']);
    expect(setup.policies.get('strict')!.extensions).toEqual([]);
    expect(setup.policies.get('loose')!.extensions).toEqual(['P1', 'P4']);
  });

  it('an unknown severity is refused with its path', () => {
    const parsed = slaConfigSchema.safeParse({ policies: { gold: { extends: 'contract-003', extensions: ['P2', 'P5'] } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['policies.gold.extensions.1']);
  });
});

describe('an extension moves the resolution due', () => {
  const setup = createSlaSetup(slaConfigSchema.parse({}));
  const policy = setup.policies.get('contract-003')!;

  it('P2 on contract-003: 8 h + 4 h agreed → due 22:00 instead of 18:00; response untouched', () => {
    const plain = computeIncidentSla(setup, policy, 'P2', facts(), T0 + H);
    const extended = computeIncidentSla(setup, policy, 'P2', facts({ resolutionExtensionMs: 4 * H }), T0 + H);
    expect(plain.resolution!.dueAtMs).toBe(T0 + 8 * H);
    expect(extended.resolution).toMatchObject({ dueAtMs: T0 + 12 * H, targetMs: 12 * H, remainingMs: 11 * H, warnAtMs: T0 + 0.8 * 12 * H });
    expect(extended.response!.dueAtMs).toBe(plain.response!.dueAtMs);
  });

  it('resolved 10 h after opening (acknowledged at 10 min): breached without the extension, met with it', () => {
    const resolved = { acknowledgedAtMs: T0 + 10 * M, resolvedAtMs: T0 + 10 * H };
    expect(computeIncidentSla(setup, policy, 'P3', facts({ ...resolved, resolutionExtensionMs: 0 }), T0 + 11 * H).resolution).toMatchObject({ state: 'met' });
    const p2 = (ext: number) => computeIncidentSla(setup, policy, 'P2', facts({ ...resolved, resolutionExtensionMs: ext }), T0 + 11 * H).resolution;
    expect(p2(0)).toMatchObject({ state: 'breached', breached: true });
    expect(p2(4 * H)).toMatchObject({ state: 'met', breached: false });
  });

  it('on a business calendar the extension is working time: commitment-004 P2 (5x8 09:00-17:30)', () => {
    const p = setup.policies.get('commitment-004')!;
    // 12 h of 5x8 from Monday 10:00 end Tuesday 13:30; + 4 h working time → Tuesday 17:30.
    const base = computeIncidentSla(setup, p, 'P2', facts(), T0).resolution!.dueAtMs!;
    const ext = computeIncidentSla(setup, p, 'P2', facts({ resolutionExtensionMs: 4 * H }), T0).resolution!.dueAtMs!;
    expect(new Date(base).toISOString()).toBe('2026-10-13T05:30:00.000Z');
    expect(new Date(ext).toISOString()).toBe('2026-10-13T09:30:00.000Z');
  });
});
