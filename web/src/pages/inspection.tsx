/** 今日巡检: every device's check items for today, problems first. */
import { api } from '../api';
import { lang, t } from '../i18n';
import { fmtDate, fmtDateTime } from '../time';
import { Loading, Section, useData } from '../ui';

interface Inspection {
  date: string;
  summary: { targets: number; checks: number; pass: number; warn: number; fail: number; unknown: number };
  findings: Array<{ level: string; kind: string; target: string; text: string }>;
  checks: Array<{ target: string; agent_id: string; check_id: string; check_type: string; observed_at: string | null; state: string; verdict: string; message: string; items: Array<{ item: string; value: number | string | null; threshold: string | null; verdict: string | null }> }>;
}

const RANK: Record<string, number> = { fail: 0, warn: 1, unknown: 2, pass: 3 };

export function InspectionPage() {
  const date = fmtDate(Date.now());
  const report = useData(() => api<Inspection>(`/reports/inspection?date=${date}&lang=${lang()}`), [date, lang()]);
  if (!report.data) return <Loading error={report.error} />;
  const r = report.data;
  const checks = [...r.checks].sort((a, b) => (RANK[a.verdict] ?? 9) - (RANK[b.verdict] ?? 9) || a.target.localeCompare(b.target));
  return (
    <div class="stack">
      <div class="page-head">
        <h1>
          {t('ins.title')} {r.date}
        </h1>
        <a class="button" href={`/api/v1/reports/inspection?date=${date}&format=pdf&lang=${lang()}`} download>
          PDF
        </a>
      </div>
      <p>{t('ins.summary', r.summary)}</p>
      <Section title={t('ins.findings')}>
        {r.findings.length === 0 ? (
          <p class="notice ok">{t('ins.noProblems')}</p>
        ) : (
          <ul class="plain findings">
            {r.findings.map((f) => (
              <li class={`verdict-${f.level}`}>
                <span class={`badge verdict-${f.level}`}>{t(`ins.${f.level}` as 'ins.fail')}</span> {f.text}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {checks.map((c) => (
        <Section title={`${c.target} · ${c.check_id}`} actions={<span class={`badge verdict-${c.verdict}`}>{t(`ins.${c.verdict}` as 'ins.pass')}</span>}>
          <p class="msg">
            {c.message} {c.observed_at && <span class="muted">({fmtDateTime(Date.parse(c.observed_at))})</span>}
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('ins.item')}</th>
                  <th scope="col">{t('ins.value')}</th>
                  <th scope="col">{t('ins.threshold')}</th>
                  <th scope="col">{t('ins.verdict')}</th>
                </tr>
              </thead>
              <tbody>
                {[...c.items]
                  .sort((a, b) => (RANK[a.verdict ?? 'pass'] ?? 9) - (RANK[b.verdict ?? 'pass'] ?? 9))
                  .map((i) => (
                    <tr class={i.verdict && i.verdict !== 'pass' ? `verdict-${i.verdict}` : ''}>
                      <th scope="row">{i.item}</th>
                      <td>{i.value ?? '—'}</td>
                      <td>{i.threshold ?? ''}</td>
                      <td>{i.verdict ? t(`ins.${i.verdict}` as 'ins.pass') : ''}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </Section>
      ))}
    </div>
  );
}
