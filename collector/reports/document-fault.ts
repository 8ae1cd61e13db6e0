/** The fault report's JSON laid out as a document. */
import { SEVERITY_LABEL_ZH } from '../events.js';
import type { ReportDocument } from './document.js';
import { metText } from './document-sla.js';
import type { FaultReport } from './fault-model.js';
import { t, type Lang } from './i18n.js';
import { presetText } from '../sla/preset-texts.js';
import { checkTypeLabel, timelineAction } from './vocabulary.js';
import { actorLabel } from '../incidents/texts.js';

export function faultDocument(r: FaultReport, lang: Lang, timeZone: string): ReportDocument {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const i = r.incident;
  return {
    title: L('fault_title'),
    subtitle: `${i.number} · ${i.title}`,
    lang,
    timeZone,
    sections: [
      {
        id: 'summary',
        title: L('basic_info'),
        facts: [
          { label: L('incident'), value: i.number, type: 'text' },
          { label: L('title'), value: i.title, type: 'text' },
          { label: L('severity'), value: lang === 'zh-CN' ? `${i.severity} ${SEVERITY_LABEL_ZH[i.severity]}` : i.severity, type: 'text' },
          { label: L('type'), value: i.type === 'manual' ? (lang === 'zh-CN' ? '人工报告' : 'reported manually') : i.type === 'other' ? (lang === 'zh-CN' ? '其他' : 'other') : checkTypeLabel(i.type, lang), type: 'text' },
          { label: L('target'), value: i.target, type: 'text' },
          { label: L('started_at'), value: i.started_at, type: 'datetime' },
          { label: L('opened_at'), value: i.opened_at, type: 'datetime' },
          { label: L('acknowledged_at'), value: i.acknowledged_at, type: 'datetime' },
          { label: L('resolved_at'), value: i.resolved_at, type: 'datetime' },
          { label: L('cause'), value: i.cause, type: 'text' },
          { label: L('resolution'), value: i.resolution, type: 'text' },
          { label: L('folded'), value: i.folded.length ? i.folded.join(', ') : L('none'), type: 'text' },
        ],
      },
      {
        id: 'impact',
        title: L('impact'),
        facts: [
          { label: L('duration'), value: r.impact.duration_s, type: 'duration' },
          { label: L('downtime'), value: r.impact.downtime_s, type: 'duration' },
        ],
        table: {
          columns: [
            { label: L('start'), type: 'datetime' },
            { label: L('end'), type: 'datetime' },
            { label: L('downtime'), type: 'duration' },
          ],
          rows: r.impact.outages.map((o) => [o.start, o.end, o.downtime_s]),
        },
      },
      {
        id: 'sla',
        title: L('sla'),
        facts: [
          { label: L('policy'), value: presetText(r.sla.policy, lang)?.title ?? r.sla.policy, type: 'text' },
          { label: L('contract'), value: r.sla.contract, type: 'text' },
          { label: L('response_time'), value: r.sla.response?.elapsed_business_s ?? null, type: 'duration' },
          { label: L('response_target'), value: r.sla.response?.target_s ?? null, type: 'duration' },
          { label: L('response_met'), value: metText(r.sla.response?.met ?? null, lang), type: 'text' },
          { label: L('resolution_time'), value: r.sla.resolution?.elapsed_business_s ?? null, type: 'duration' },
          { label: L('resolution_target'), value: r.sla.resolution?.target_s ?? null, type: 'duration' },
          { label: L('resolution_met'), value: metText(r.sla.resolution?.met ?? null, lang), type: 'text' },
          { label: L('sla_met'), value: metText(r.sla.met, lang), type: 'text' },
        ],
      },
      {
        id: 'timeline',
        title: L('timeline'),
        table: {
          columns: [
            { label: L('time'), type: 'datetime' },
            { label: L('actor'), type: 'text' },
            { label: L('action'), type: 'text' },
            { label: L('note'), type: 'text' },
          ],
          rows: r.timeline.map((e) => [e.at, actorLabel(e.actor, lang), timelineAction(e.kind, lang), e.note]),
        },
      },
    ],
  };
}
