/** Maintenance: list, add one-off or recurring (cron) windows, remove — with the roles the API allows (admin). */
import { useState } from 'preact/hooks';
import type { Me } from '../main';
import { api, errorText } from '../api';
import { lang, t } from '../i18n';
import { fmtDateTime, fmtDuration, msToZonedInput, timeZone, zonedInputToMs } from '../time';
import { can, Field, Loading, Section, useData } from '../ui';
import type { MaintenanceWindow } from './types';

const DURATION = /^(\d+)\s*(m|h|d)$/;
export function parseDuration(text: string): string | null {
  const m = DURATION.exec(text.trim());
  return m ? `${m[1]}${m[2]}` : null;
}

export function MaintenancePage({ me }: { me: Me }) {
  const list = useData(() => api<{ items: MaintenanceWindow[] }>('/maintenance'), []);
  const admin = can(me.role, 'admin');
  async function remove(m: MaintenanceWindow) {
    if (!m.id || !confirm(t('mt.confirmRemove', { name: m.name }))) return;
    try {
      await api(`/maintenance/${m.id}`, { method: 'DELETE' });
      list.reload();
    } catch (err) {
      alert(errorText(err));
    }
  }
  return (
    <div class="stack">
      <h1>{t('mt.title')}</h1>
      {admin ? <AddForm onAdded={list.reload} /> : <p class="muted">{t('mt.adminOnly')}</p>}
      <Section title={t('mt.title')}>
        {!list.data ? (
          <Loading error={list.error} />
        ) : list.data.items.length === 0 ? (
          <p class="muted">{t('empty')}</p>
        ) : (
          <ul class="mt-list">
            {list.data.items.map((m) => (
              <li class="card" data-maintenance={m.name}>
                <div class="card-head">
                  <h3>{m.name}</h3>
                  {admin && m.source === 'api' && (
                    <button type="button" class="danger" onClick={() => remove(m)}>
                      {t('mt.remove')}
                    </button>
                  )}
                </div>
                <p>
                  {m.kind === 'once' ? `${fmtDateTime(Date.parse(m.start!))} – ${fmtDateTime(Date.parse(m.end!))}` : `${m.cron ?? m.rrule} · ${fmtDuration(m.duration_s ?? 0, lang())} (${m.timezone})`}
                </p>
                <p class="muted">
                  {t('mt.scope')}: {[...m.targets, ...m.groups].join(', ') || t('mt.all')}
                  {m.reason && ` · ${t('mt.reason')}: ${m.reason}`}
                  {m.source === 'config' ? ` · ${t('mt.config')}` : m.created_by ? ` · ${m.created_by}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function AddForm({ onAdded }: { onAdded: () => void }) {
  const [kind, setKind] = useState<'once' | 'cron'>('once');
  const [error, setError] = useState<string | null>(null);
  const start = msToZonedInput(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const end = msToZonedInput(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 3_600_000);
  async function submit(e: Event) {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const get = (k: string) => String(form.get(k) ?? '').trim();
    const targets = get('targets').split(/[,，\s]+/).filter(Boolean);
    const body: Record<string, unknown> = { name: get('name'), reason: get('reason'), targets };
    if (kind === 'once') {
      body.start = zonedInputToMs(get('start'));
      body.end = zonedInputToMs(get('end'));
      if (form.get('retroactive')) body.retroactive = true;
    } else {
      body.cron = get('cron');
      body.duration = parseDuration(get('duration')) ?? get('duration');
      body.timezone = timeZone();
    }
    try {
      await api('/maintenance', { method: 'POST', body });
      setError(null);
      formEl.reset();
      onAdded();
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <Section title={t('mt.add')}>
      <form class="form grid-form" onSubmit={submit} aria-label={t('mt.add')}>
        <div class="segmented" role="group">
          <button type="button" aria-pressed={kind === 'once'} onClick={() => setKind('once')}>
            {t('mt.once')}
          </button>
          <button type="button" aria-pressed={kind === 'cron'} onClick={() => setKind('cron')}>
            {t('mt.recurring')}
          </button>
        </div>
        <Field label={t('mt.name')}>
          <input name="name" required maxLength={200} />
        </Field>
        <Field label={t('mt.reason')}>
          <input name="reason" required maxLength={2000} />
        </Field>
        <Field label={t('mt.targets')}>
          <input name="targets" />
        </Field>
        {kind === 'once' ? (
          <>
            <Field label={`${t('mt.start')} (${timeZone()})`}>
              <input name="start" type="datetime-local" required value={start} />
            </Field>
            <Field label={`${t('mt.end')} (${timeZone()})`}>
              <input name="end" type="datetime-local" required value={end} />
            </Field>
            <label class="check">
              <input type="checkbox" name="retroactive" /> {t('mt.retro')}
            </label>
          </>
        ) : (
          <>
            <Field label={t('mt.cron')}>
              <input name="cron" required placeholder="0 22 * * 2" />
            </Field>
            <Field label={t('mt.duration')}>
              <input name="duration" required placeholder="2h" />
            </Field>
          </>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="submit" class="primary">
            {t('save')}
          </button>
        </div>
      </form>
    </Section>
  );
}
