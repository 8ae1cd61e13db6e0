/** Small shared pieces: data loading, badges, countdowns, sparklines, state timelines, dialogs. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';
import { t, tx, lang } from './i18n';
import { useTick } from './live';
import { fmtDateTime, fmtDuration } from './time';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
export const can = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

/** Loads with `load`, again on `reload()`; keeps the last data while reloading (no flicker on live updates). */
export function useData<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    load().then(
      (value) => {
        if (mine !== seq.current) return;
        setData(value);
        setError(null);
      },
      (e: unknown) => {
        if (mine === seq.current) setError(errorText(e));
      },
    );
  }, deps);
  useEffect(() => {
    setData(null);
    reload();
  }, [reload]);
  return { data, error, reload };
}

export function Loading({ error }: { error?: string | null }) {
  return error ? <p class="error" role="alert">{error}</p> : <p class="muted">{t('loading')}</p>;
}

export function StateBadge({ state }: { state: string | null | undefined }) {
  const s = state ?? 'none';
  return <span class={`badge state-${s}`}>{tx('state', s)}</span>;
}

export function SevBadge({ severity }: { severity: string }) {
  return <span class={`badge sev-${severity}`}>{tx('sev', severity)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{tx('status', status)}</span>;
}

export interface Clock {
  due_at: string | null;
  warn_at?: string | null;
  state: string;
  warning: boolean;
  breached: boolean;
  met: boolean | null;
  remaining_business_s?: number | null;
  stopped_at?: string | null;
}

/** A response / resolution clock: met, breached, paused or a live countdown (warning and breached colours). */
export function Countdown({ clock, now, paused }: { clock: Clock | null | undefined; now: number; paused?: boolean }) {
  if (!clock || !clock.due_at) return <span class="muted">—</span>;
  if (clock.met === true) return <span class="clock met">{t('inc.met')}</span>;
  if (clock.met === false || (clock.stopped_at && clock.breached)) return <span class="clock breached">{t('inc.breached')}</span>;
  if (paused || clock.state === 'paused') return <span class="clock paused">{t('inc.paused')}</span>;
  const due = Date.parse(clock.due_at);
  const left = (due - now) / 1000;
  const warnAt = clock.warn_at ? Date.parse(clock.warn_at) : due;
  const cls = left <= 0 ? 'breached' : now >= warnAt || clock.warning ? 'warning' : 'running';
  const text = left > 0 ? t('inc.left', { d: fmtDuration(left, lang()) }) : t('inc.over', { d: fmtDuration(-left, lang()) });
  return (
    <span class={`clock ${cls}`} title={fmtDateTime(due)}>
      {text}
    </span>
  );
}

/** A countdown that ticks by itself (shared 1 s timer) while its clock runs; a stopped or paused clock never re-renders. */
export function LiveCountdown({ clock, paused }: { clock: Clock | null | undefined; paused?: boolean }) {
  const running = !!clock?.due_at && clock.met !== true && clock.met !== false && !(clock.stopped_at && clock.breached) && !paused && clock.state !== 'paused';
  return running ? <TickingCountdown clock={clock} /> : <Countdown clock={clock} now={Date.now()} paused={paused} />;
}

function TickingCountdown({ clock }: { clock: Clock | null | undefined }) {
  return <Countdown clock={clock} now={useTick()} />;
}

/** A sparkline of numbers as an inline SVG (no chart library needed for a 120×28 trend). */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return <span class="muted">—</span>;
  const w = 120;
  const h = 28;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const points = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={`${label}: ${values[values.length - 1]}`}>
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export interface Interval {
  state: string;
  start_ms: number;
  end_ms: number | null;
  reason?: string;
}

/** The state history of a window as coloured bands. */
export function StateTimeline({ intervals, fromMs, toMs, label }: { intervals: Interval[]; fromMs: number; toMs: number; label: string }) {
  const span = toMs - fromMs;
  return (
    <svg class="timeline" viewBox="0 0 1000 16" preserveAspectRatio="none" role="img" aria-label={label}>
      <rect x="0" y="0" width="1000" height="16" class="tl-none" />
      {intervals.map((i) => {
        const a = Math.max(i.start_ms, fromMs);
        const b = Math.min(i.end_ms ?? toMs, toMs);
        if (b <= a) return null;
        return (
          <rect x={((a - fromMs) / span) * 1000} y="0" width={Math.max(1, ((b - a) / span) * 1000)} height="16" class={`tl-${i.state}`}>
            <title>{`${tx('state', i.state)} ${fmtDateTime(a)} – ${fmtDateTime(b)}${i.reason ? `: ${i.reason}` : ''}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function Dialog({ title, children, onClose }: { title: string; children: ComponentChildren; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal?.();
    const first = d?.querySelector<HTMLElement>('input, textarea, select, button');
    first?.focus();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-label={title} onCancel={(e) => (e.preventDefault(), onClose())}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

/** A labelled form control (label wraps the control, so axe finds its name). */
/** A dialog form's foot: the error (announced), then cancel and the submit button. */
export function DialogButtons({ error, onCancel, submitLabel, confirm }: { error: string | null; onCancel: () => void; submitLabel: string; confirm?: string }) {
  return (
    <>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" class="primary" data-confirm={confirm}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card">
      <div class="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
