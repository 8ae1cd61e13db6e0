/** 事件: list with filters (status, severity, contract, target, text), live countdowns, and a hotline-call form. */
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../main';
import { api, errorText } from '../api';
import { lang, t } from '../i18n';
import { useLive } from '../live';
import { go, href } from '../route';
import { fmtDateTime } from '../time';
import { can, Dialog, DialogButtons, Field, LiveCountdown, Loading, SevBadge, StatusBadge, useData } from '../ui';
import type { Incident, IncidentDetail } from './types';

/**
 * Rows rendered at once, then per chunk: 500 rows in one render were one ~1.3 s long task (the page did not answer
 * clicks); the first screenful comes at once and the rest in chunks of short tasks. The filters apply to all rows.
 */
const FIRST_ROWS = 50;
const ROWS_PER_CHUNK = 50;

const STATUS_FILTERS: Record<string, string> = { active: 'open,acknowledged', all: '', open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', closed: 'closed' };

export function IncidentsPage({ me, query }: { me: Me; query: URLSearchParams }) {
  const [status, setStatus] = useState(query.get('status') ?? 'active');
  const [severity, setSeverity] = useState(query.get('severity') ?? '');
  const [contract, setContract] = useState(query.get('contract') ?? '');
  const [target, setTarget] = useState(query.get('target') ?? '');
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  // Titles come rendered in the console's language (the API renders coded titles per `lang`).
  const params = new URLSearchParams({ limit: '500', lang: lang() });
  if (STATUS_FILTERS[status]) params.set('status', STATUS_FILTERS[status]!);
  if (severity) params.set('severity', severity);
  if (target.trim()) params.set('target', target.trim());
  const list = useData(() => api<{ items: Incident[]; total: number }>(`/incidents?${params}`), [params.toString()]);
  useLive(['incident', 'state'], list.reload);

  const items = (list.data?.items ?? []).filter((i) => (!contract || i.sla?.contract === contract) && (!text || `${i.number} ${i.title}`.toLowerCase().includes(text.toLowerCase())));
  const [shown, setShown] = useState(FIRST_ROWS);
  useEffect(() => {
    if (shown >= items.length) return;
    const timer = setTimeout(() => setShown((n) => n + ROWS_PER_CHUNK), 0);
    return () => clearTimeout(timer);
  }, [shown, items.length]);
  const contracts = [...new Set((list.data?.items ?? []).map((i) => i.sla?.contract).filter((c): c is string => !!c))].sort();

  return (
    <div class="stack">
      <div class="page-head">
        <h1>{t('inc.title')}</h1>
        {can(me.role, 'operator') && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('inc.create')}
          </button>
        )}
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('inc.status')}>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="active">{t('inc.filter.active')}</option>
            <option value="all">{t('inc.filter.all')}</option>
            {['open', 'acknowledged', 'resolved', 'closed'].map((s) => (
              <option value={s}>{t(`status.${s}` as 'status.open')}</option>
            ))}
          </select>
        </Field>
        <Field label={t('inc.severity')}>
          <select value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
            <option value="">{t('inc.filter.all')}</option>
            {['P1', 'P2', 'P3', 'P4'].map((s) => (
              <option value={s}>{t(`sev.${s}` as 'sev.P1')}</option>
            ))}
          </select>
        </Field>
        <Field label={t('inc.contract')}>
          <select value={contract} onChange={(e) => setContract(e.currentTarget.value)}>
            <option value="">{t('inc.filter.all')}</option>
            {[...new Set([...contracts, ...(contract ? [contract] : [])])].map((c) => (
              <option value={c}>{c}</option>
            ))}
          </select>
        </Field>
        <Field label={t('inc.target')}>
          <input value={target} onChange={(e) => setTarget(e.currentTarget.value)} />
        </Field>
        <Field label={t('inc.filter.text')}>
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
      </form>
      {!list.data ? (
        <Loading error={list.error} />
      ) : items.length === 0 ? (
        <p class="muted">{t('inc.none')}</p>
      ) : (
        <ul class="incident-list">
          {items.slice(0, shown).map((i) => (
            <li class={`incident-row sev-${i.severity}`} data-number={i.number}>
              <a href={href(`incidents/${i.number}`)} class="inc-main">
                <span class="inc-number">{i.number}</span>
                <span class="inc-title">{i.title}</span>
              </a>
              <span class="inc-meta">
                <SevBadge severity={i.severity} /> <StatusBadge status={i.status} /> {i.target && <span class="muted">{i.target}</span>}{' '}
                <span class="muted">{fmtDateTime(i.opened_at_ms)}</span>
              </span>
              <span class="inc-clocks">
                <span>
                  {t('inc.response')}: <LiveCountdown clock={i.sla?.response} paused={i.sla?.paused} />
                </span>
                <span>
                  {t('inc.resolution')}: <LiveCountdown clock={i.sla?.resolution} paused={i.sla?.paused} />
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {creating && <CreateDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateDialog({ onClose }: { onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = (k: string) => String(form.get(k) ?? '').trim() || undefined;
    try {
      const created = await api<IncidentDetail>('/incidents', { method: 'POST', body: { title: value('title'), severity: value('severity'), description: value('description'), target: value('target'), reporter: value('reporter') } });
      onClose();
      go(`incidents/${created.number}`);
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <Dialog title={t('inc.create')} onClose={onClose}>
      <form onSubmit={submit} class="form">
        <Field label={t('inc.summary')}>
          <input name="title" required maxLength={200} />
        </Field>
        <Field label={t('inc.severity')}>
          <select name="severity">
            {['P1', 'P2', 'P3', 'P4'].map((s) => (
              <option value={s} selected={s === 'P3'}>
                {t(`sev.${s}` as 'sev.P1')}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inc.target')}>
          <input name="target" />
        </Field>
        <Field label={t('inc.reporter')}>
          <input name="reporter" />
        </Field>
        <Field label={t('inc.description')}>
          <textarea name="description" rows={4} />
        </Field>
        <DialogButtons error={error} onCancel={onClose} submitLabel={t('submit')} />
      </form>
    </Dialog>
  );
}
