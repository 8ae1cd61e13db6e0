/** Report labels: every key in both languages, Chinese for zh-CN, no Chinese in en, no duplicates per language. */
import { describe, expect, it } from 'vitest';
import { LABEL_KEYS, t } from '../../../../collector/reports/i18n.js';

const CJK = /[\u4e00-\u9fff]/;

describe('report labels', () => {
  it('every key has a non-empty zh-CN label with Chinese and an en label without', () => {
    expect(LABEL_KEYS.length).toBeGreaterThan(100);
    for (const key of LABEL_KEYS) {
      const zh = t('zh-CN', key);
      const en = t('en', key);
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(zh, key).toMatch(CJK);
      expect(en, key).not.toMatch(CJK);
    }
  });

  it('the report titles (pdftotext and the CSV first line rely on them)', () => {
    expect([t('zh-CN', 'sla_title'), t('zh-CN', 'inspection_title'), t('zh-CN', 'fault_title')]).toEqual(['SLA 服务水平月度报告', '每日巡检报告', '故障处理报告']);
    expect([t('en', 'sla_title'), t('en', 'inspection_title'), t('en', 'fault_title')]).toEqual(['Monthly SLA report', 'Daily inspection report', 'Fault report']);
  });

  it('section titles are distinct per language (they name the XLSX sheets)', () => {
    const sections = ['overview', 'availability', 'outages', 'maintenance', 'incidents', 'compliance', 'extensions', 'backups', 'satisfaction', 'calculation', 'findings', 'checks', 'changes', 'interfaces', 'certificates', 'disks', 'timeline', 'impact'] as const;
    for (const lang of ['zh-CN', 'en'] as const) {
      const titles = sections.map((k) => t(lang, k));
      expect(new Set(titles).size, lang).toBe(titles.length);
      for (const title of titles) expect(title.length, title).toBeLessThanOrEqual(31);
    }
  });
});
