/** Admin: the console sessions that are live (remembered phones included), each revocable. */
import { api, errorText } from '../api';
import { t } from '../i18n';
import { fmtDateTime } from '../time';
import { Loading, useData } from '../ui';

interface SessionRow {
  id: number;
  user: string;
  remember: boolean;
  created_at_ms: number;
  expires_at_ms: number;
  last_seen_ms: number;
  user_agent: string | null;
  address: string | null;
}

export function SessionsPage() {
  const list = useData(() => api<{ items: SessionRow[] }>('/sessions'), []);
  async function revoke(id: number) {
    try {
      await api(`/sessions/${id}`, { method: 'DELETE' });
      list.reload();
    } catch (err) {
      alert(errorText(err));
    }
  }
  if (!list.data) return <Loading error={list.error} />;
  return (
    <div class="stack">
      <h1>{t('ss.title')}</h1>
      <ul class="plain">
        {list.data.items.map((s) => (
          <li class="card">
            <div class="card-head">
              <h3>{s.user}</h3>
              <button type="button" class="danger" onClick={() => revoke(s.id)}>
                {t('ss.revoke')}
              </button>
            </div>
            <p class="muted">
              {t('ss.created')} {fmtDateTime(s.created_at_ms)} · {t('ss.lastSeen')} {fmtDateTime(s.last_seen_ms)} · {t('ss.expires')} {fmtDateTime(s.expires_at_ms)} · {t('ss.remember')}: {s.remember ? t('yes') : t('no')}
            </p>
            <p class="muted wrap">
              {t('ss.client')}: {s.address} {s.user_agent}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
