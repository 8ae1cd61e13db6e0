/**
 * One incident: both SLA clocks ticking, pauses, extensions, escalation steps, folded children, the timeline, and
 * the actions the person's role allows (operator: acknowledge, note, resolve with cause + resolution, close,
 * reopen, extend, pause/resume, the customer's evaluation of a resolved or closed one). `?ack=1` (the 认领 button of an IM card) opens the acknowledge dialog at once.
 */
import { useState } from 'preact/hooks';
import type { Me } from '../main';
import { api, ApiError, errorText } from '../api';
import { lang, t, tx, type Key } from '../i18n';
import { useLive, useNow } from '../live';
import { href } from '../route';
import { fmtDateTime, fmtDuration } from '../time';
import { can, Countdown, Dialog, DialogButtons, Field, Loading, Section, SevBadge, StatusBadge, useData } from '../ui';
import type { IncidentDetail } from './types';

type Action = 'ack' | 'note' | 'resolve' | 'close' | 'evaluate' | 'reopen' | 'extend' | 'pause' | 'resume';

const FIELDS: Record<Action, Array<{ name: string; label: Key; required?: boolean; long?: boolean; score?: boolean }>> = {
  ack: [{ name: 'note', label: 'inc.noteText', long: true }],
  note: [{ name: 'text', label: 'inc.noteText', required: true, long: true }],
  resolve: [
    { name: 'cause', label: 'inc.cause', required: true, long: true },
    { name: 'resolution', label: 'inc.resolutionText', required: true, long: true },
  ],
  close: [{ name: 'note', label: 'inc.noteText', long: true }],
  evaluate: [
    { name: 'score', label: 'inc.score', required: true, score: true },
    { name: 'evaluator', label: 'inc.evaluator', required: true },
    { name: 'comment', label: 'inc.comment', long: true },
  ],
  reopen: [{ name: 'note', label: 'inc.noteText', long: true }],
  extend: [
    { name: 'for', label: 'inc.extendBy', required: true },
    { name: 'approved_by', label: 'inc.approver', required: true },
    { name: 'reason', label: 'inc.reason', required: true, long: true },
  ],
  pause: [{ name: 'reason', label: 'inc.reason', required: true, long: true }],
  resume: [{ name: 'note', label: 'inc.noteText', long: true }],
};
const LABEL: Record<Action, Key> = { ack: 'inc.ack', note: 'inc.note', resolve: 'inc.resolve', close: 'inc.close', evaluate: 'inc.evaluate', reopen: 'inc.reopen', extend: 'inc.extend', pause: 'inc.pause', resume: 'inc.resume' };

function available(d: IncidentDetail): Action[] {
  const active = d.status === 'open' || d.status === 'acknowledged';
  const out: Action[] = [];
  if (d.status === 'open') out.push('ack');
  out.push('note');
  if (active) out.push('resolve');
  if (d.status === 'resolved') out.push('close');
  if (d.status === 'resolved' || d.status === 'closed') out.push('evaluate', 'reopen');
  // Extensions exist when the incident API offers them (the field is present on the incident).
  if (active && ('extensions' in d || (d.sla && 'extensions' in d.sla))) out.push('extend');
  if (active && d.sla) out.push(d.sla.paused ? 'resume' : 'pause');
  return out;
}

/** `95 分 · 张经理（原 80 分 · 李四）` for an evaluation entry of the timeline; null for other entries. */
function evaluationText(e: IncidentDetail['timeline'][number]): string | null {
  if (e.kind !== 'evaluated' && e.kind !== 'evaluation_replaced') return null;
  const d = (e.data ?? {}) as { score?: number; evaluator?: string; previous_score?: number; previous_evaluator?: string };
  if (typeof d.score !== 'number') return null;
  const now = t('inc.evaluationValue', { score: d.score, by: d.evaluator ?? '' });
  return typeof d.previous_score === 'number' ? `${now}${t('inc.evaluationWas', { score: d.previous_score, by: d.previous_evaluator ?? '' })}` : now;
}

export function IncidentPage({ number, me, ack }: { number: string; me: Me; ack: boolean }) {
  const detail = useData(() => api<IncidentDetail>(`/incidents/${encodeURIComponent(number)}?lang=${lang()}`), [number]);
  const [action, setAction] = useState<Action | null>(ack ? 'ack' : null);
  const [done, setDone] = useState<string | null>(null);
  const now = useNow();
  useLive(['incident'], detail.reload);

  if (!detail.data) {
    const notFound = detail.error && /not found/.test(detail.error);
    return <Loading error={notFound ? t('inc.notFound', { n: number }) : detail.error} />;
  }
  const d = detail.data;
  const actions = can(me.role, 'operator') ? available(d) : [];
  const showAck = action === 'ack' && d.status !== 'open' ? null : action;
  const extensions = d.extensions ?? d.sla?.extensions ?? [];

  return (
    <div class="stack incident" data-number={d.number} data-status={d.status}>
      <p>
        <a href={href('incidents')}>← {t('inc.title')}</a>
      </p>
      <div class="page-head">
        <h1>
          <span class="inc-number">{d.number}</span> {d.title}
        </h1>
      </div>
      <p class="badges">
        <SevBadge severity={d.severity} /> <StatusBadge status={d.status} /> {d.target && <a href={href(`targets/${encodeURIComponent(d.target)}`)}>{d.target}</a>}
        {d.parent_number && (
          <a href={href(`incidents/${d.parent_number}`)} class="muted">
            {t('inc.parent', { n: d.parent_number })}
          </a>
        )}
      </p>
      {actions.length > 0 && (
        <div class="actions" role="group" aria-label={t('actions')}>
          {actions.map((a) => (
            <button type="button" class={a === 'ack' || a === 'resolve' ? 'primary' : ''} data-action={a} onClick={() => (setDone(null), setAction(a))}>
              {t(LABEL[a])}
            </button>
          ))}
        </div>
      )}
      {done && (
        <p class="notice ok" role="status">
          {done}
        </p>
      )}
      <div class="grid two">
        <Section title={t('inc.clocks')}>
          <dl class="facts">
            <dt>{t('inc.response')}</dt>
            <dd>
              <Countdown clock={d.sla?.response} now={now} paused={d.sla?.paused} />
              {d.sla?.response.due_at && <span class="muted"> {t('inc.due', { at: fmtDateTime(Date.parse(d.sla.response.due_at)) })}</span>}
            </dd>
            <dt>{t('inc.resolution')}</dt>
            <dd>
              <Countdown clock={d.sla?.resolution} now={now} paused={d.sla?.paused} />
              {d.sla?.resolution.due_at && <span class="muted"> {t('inc.due', { at: fmtDateTime(Date.parse(d.sla.resolution.due_at)) })}</span>}
            </dd>
            <dt>{t('inc.opened')}</dt>
            <dd>{fmtDateTime(d.opened_at_ms)}</dd>
            {d.reporter && (
              <>
                <dt>{t('inc.reporter')}</dt>
                <dd>{d.reporter}</dd>
              </>
            )}
            {d.cause && (
              <>
                <dt>{t('inc.cause')}</dt>
                <dd>{d.cause}</dd>
              </>
            )}
            {d.resolution && (
              <>
                <dt>{t('inc.resolutionText')}</dt>
                <dd>{d.resolution}</dd>
              </>
            )}
            {d.evaluation && (
              <>
                <dt>{t('inc.evaluation')}</dt>
                <dd class="evaluation">
                  {t('inc.evaluationValue', { score: d.evaluation.score, by: d.evaluation.evaluator })}
                  {d.evaluation.comment && <span> · {d.evaluation.comment}</span>}
                </dd>
              </>
            )}
          </dl>
          {d.description && <p class="pre">{d.description}</p>}
          {(d.sla?.pauses.length ?? 0) > 0 && (
            <>
              <h3>{t('inc.pauses')}</h3>
              <ul class="plain">
                {d.sla!.pauses.map((p) => (
                  <li>
                    {p.started_at ? fmtDateTime(Date.parse(p.started_at)) : ''} – {p.ended_at ? fmtDateTime(Date.parse(p.ended_at)) : '…'} {p.reason} {p.by && <span class="muted">({p.by})</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {extensions.length > 0 && (
            <>
              <h3>{t('inc.extensions')}</h3>
              <ul class="plain">
                {extensions.map((x) => (
                  <li>
                    {typeof x.at === 'string' ? fmtDateTime(Date.parse(x.at)) : ''} +{typeof x.extend_s === 'number' ? fmtDuration(x.extend_s, lang()) : ''} · {t('inc.approver')}: {String(x.approved_by ?? '')} · {String(x.reason ?? '')}
                    {x.by ? <span class="muted"> ({String(x.by)})</span> : null}
                  </li>
                ))}
              </ul>
            </>
          )}
          {d.sla?.escalation && d.sla.escalation.levels.length > 0 && (
            <>
              <h3>{t('inc.escalation')}</h3>
              <ol class="plain">
                {d.sla.escalation.levels.map((l) => (
                  <li class={l.fired_at ? 'fired' : l.cancelled ? 'muted' : ''}>
                    {l.level}. {tx('step', l.name)} — {l.fired_at ? fmtDateTime(Date.parse(l.fired_at)) : l.due_at ? t('inc.due', { at: fmtDateTime(Date.parse(l.due_at)) }) : ''}
                    {l.channels.length > 0 && <span class="muted"> ({l.channels.join(', ')})</span>}
                  </li>
                ))}
              </ol>
            </>
          )}
          {d.children.length > 0 && (
            <details>
              <summary>
                {t('inc.children')} ({d.children.length})
              </summary>
              <ul class="plain">
                {d.children.map((c) => {
                  const n = typeof c === 'string' ? c : c.number;
                  return (
                    <li>
                      <a href={href(`incidents/${n}`)}>{n}</a> {typeof c === 'object' && c.title}
                    </li>
                  );
                })}
              </ul>
            </details>
          )}
          <p>
            <a class="button" href={`/api/v1/reports/fault/${d.number}?format=pdf&lang=${lang()}`} download>
              {t('inc.faultReport')} PDF
            </a>
          </p>
        </Section>
        <Section title={t('inc.timeline')}>
          <ol class="timeline-list">
            {d.timeline.map((e) => (
              <li data-kind={e.kind}>
                <time>{fmtDateTime(e.at_ms)}</time> <strong>{tx('tl', e.kind)}</strong> <span class="actor">{tx('actor', e.actor)}</span>
                {evaluationText(e) && <div>{evaluationText(e)}</div>}
                {e.note && <div class="pre">{e.note}</div>}
              </li>
            ))}
          </ol>
        </Section>
      </div>
      {showAck && (
        <ActionDialog
          action={showAck}
          number={d.number}
          evaluation={d.evaluation}
          onClose={() => setAction(null)}
          onDone={() => {
            setDone(t('inc.done', { what: t(LABEL[showAck]) }));
            setAction(null);
            if (ack) history.replaceState(null, '', `#/incidents/${d.number}`);
            detail.reload();
          }}
        />
      )}
    </div>
  );
}

function ActionDialog({
  action,
  number,
  evaluation,
  onClose,
  onDone,
}: {
  action: Action;
  number: string;
  evaluation?: IncidentDetail['evaluation'];
  onClose: () => void;
  onDone: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const body: Record<string, string | number> = {};
    for (const f of FIELDS[action]) {
      const v = String(form.get(f.name) ?? '').trim();
      if (v) body[f.name] = f.score ? Number(v) : v;
    }
    try {
      await api(`/incidents/${number}/${action}`, { method: 'POST', body });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? `${t('err.forbidden', { role: 'operator' })}: ${err.message}` : errorText(err));
    }
  }
  return (
    <Dialog title={`${t(LABEL[action])} ${number}`} onClose={onClose}>
      <form class="form" onSubmit={submit} data-action={action}>
        {action === 'evaluate' && evaluation && <p class="muted">{t('inc.evaluationReplaces', { score: evaluation.score, by: evaluation.evaluator })}</p>}
        {FIELDS[action].map((f) => (
          <Field label={t(f.label)}>
            {f.long ? (
              <textarea name={f.name} required={f.required} rows={3} />
            ) : f.score ? (
              <input name={f.name} type="number" min={0} max={100} step={1} inputMode="numeric" required={f.required} />
            ) : (
              <input name={f.name} required={f.required} />
            )}
          </Field>
        ))}
        <DialogButtons error={error} onCancel={onClose} submitLabel={t(LABEL[action])} confirm={action} />
      </form>
    </Dialog>
  );
}
