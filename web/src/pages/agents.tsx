/** Agents: online/offline/stopped, version, last seen, inventory (the asset register), export as XLSX / CSV. */
import { lang, t } from '../i18n';
import { api } from '../api';
import { useLive } from '../live';
import { fmtBytes, fmtDateTime } from '../time';
import { Loading, useData } from '../ui';
import type { Agent } from './types';

function statusOf(a: Agent): 'online' | 'offline' | 'stopped' {
  if (a.online) return 'online';
  return a.status_reason === 'shutdown' ? 'stopped' : 'offline';
}

export function AgentsPage() {
  const agents = useData(() => api<{ agents: Agent[] }>('/agents'), []);
  useLive(['agent'], agents.reload);
  return (
    <div class="stack">
      <div class="page-head">
        <h1>{t('ag.title')}</h1>
        <div class="buttons">
          <a class="button" href={`/api/v1/agents/export?format=xlsx&lang=${lang()}`} download>
            {t('ag.export')} XLSX
          </a>
          <a class="button" href={`/api/v1/agents/export?format=csv&lang=${lang()}`} download>
            {t('ag.export')} CSV
          </a>
        </div>
      </div>
      {!agents.data ? (
        <Loading error={agents.error} />
      ) : agents.data.agents.length === 0 ? (
        <p class="muted">{t('empty')}</p>
      ) : (
        <ul class="agent-list">
          {agents.data.agents.map((a) => {
            const status = statusOf(a);
            const inv = a.inventory;
            return (
              <li class="card" data-agent={a.agent_id}>
                <div class="card-head">
                  <h2>{a.agent_id}</h2>
                  <span class={`badge agent-${status}`}>{t(`ag.${status}`)}</span>
                </div>
                <dl class="facts">
                  <dt>{t('ag.host')}</dt>
                  <dd>{a.hostname ?? '—'}</dd>
                  <dt>{t('ag.version')}</dt>
                  <dd>{a.agent_version ?? '—'}</dd>
                  <dt>{t('ag.lastSeen')}</dt>
                  <dd>{fmtDateTime(a.last_seen_ms)}</dd>
                  {inv && (
                    <>
                      <dt>{t('ag.os')}</dt>
                      <dd>
                        {inv.os.distro} {inv.os.release} ({inv.os.kernel}, {inv.os.arch})
                      </dd>
                      <dt>{t('ag.hardware')}</dt>
                      <dd>{[inv.hardware.manufacturer, inv.hardware.model, inv.hardware.serial].filter((x) => x && x !== '-').join(' · ') || '—'}</dd>
                      <dt>{t('ag.cpu')}</dt>
                      <dd>
                        {inv.cpu.model} × {inv.cpu.cores}
                      </dd>
                      <dt>{t('ag.memory')}</dt>
                      <dd>{fmtBytes(inv.memory_bytes)}</dd>
                      <dt>{t('ag.disks')}</dt>
                      <dd>{inv.disks.map((d) => `${d.device} ${fmtBytes(d.size_bytes)}`).join(', ') || '—'}</dd>
                      <dt>{t('ag.addresses')}</dt>
                      <dd class="wrap">
                        {inv.interfaces
                          .filter((i) => i.name !== 'lo')
                          .map((i) => `${i.name} ${[...i.ipv4, ...i.ipv6].join(' ')}`)
                          .join('; ') || '—'}
                      </dd>
                    </>
                  )}
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
