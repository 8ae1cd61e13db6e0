/** Presets named by what they promise, in both languages; the names they had before still parse. */
import { describe, expect, it } from 'vitest';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import { PRESET_ALIASES, PRESET_TEXTS, presetText } from '../../../../collector/sla/preset-texts.js';
import { PRESET_POLICIES } from '../../../../collector/sla/presets.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';

const CJK = /[\u4e00-\u9fff]/;

describe('preset names and descriptions', () => {
  it('every preset has a promise-named alias, a Chinese and an English title and description', () => {
    expect(PRESET_TEXTS.map((t) => t.id).sort()).toEqual(Object.keys(PRESET_POLICIES).sort());
    for (const t of PRESET_TEXTS) {
      expect(t['zh-CN'].title).toMatch(CJK);
      expect(t['zh-CN'].description).toMatch(CJK);
      expect(t.en.title).not.toMatch(CJK);
      expect(t.en.description).not.toMatch(CJK);
      // Said for a customer: no reference to our source documents.
      for (const text of [t['zh-CN'].title, t['zh-CN'].description, t.en.title, t.en.description]) expect(text).not.toMatch(/seed|种子/i);
    }
    expect(presetText('contract-003', 'zh-CN')?.title).toBe('30 分钟响应，紧急/高 8 小时、中/低 24 小时解决，95% 按时');
    expect(presetText('respond-30m-resolve-8h-24h-95pct', 'en')?.title).toBe('Respond in 30 min; urgent/high resolved in 8 h, medium/low in 24 h; 95 % on time');
    expect(presetText('gold', 'en')).toBeNull();
  });

  it('a contract, the default policy and extends accept both the new name and the old one', () => {
    const sla = slaConfigSchema.parse({
      default_policy: 'respond-30m-resolve-12h-to-5d',
      policies: { mine: { extends: 'respond-1h-restore-8h-999' } },
      contracts: [
        { name: 'new', policy: 'respond-30m-resolve-8h-24h-95pct', members: { targets: ['a'] } },
        { name: 'old', policy: 'contract-003', members: { targets: ['b'] } },
      ],
    });
    const setup = createSlaSetup(sla);
    expect(setup.policies.get('respond-30m-resolve-8h-24h-95pct')).toBe(setup.policies.get('contract-003'));
    expect(setup.contracts.map((c) => c.availabilityTarget)).toEqual([98, 98]);
    expect(setup.policies.get('mine')?.availabilityTarget).toBe(99.9);
    expect(Object.keys(PRESET_ALIASES)).toHaveLength(6);
    const bad = slaConfigSchema.safeParse({ default_policy: 'respond-in-a-jiffy' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/^unknown policy "respond-in-a-jiffy" \(known: .*respond-30m-resolve-12h-to-5d/);
  });
});
