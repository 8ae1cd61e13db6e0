/** The console: login, the shell (navigation, language, live indicator) and the hash router. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText, setCsrfToken, whenUnauthorized } from './api';
import { lang, setLang, t, type Key, type Lang } from './i18n';
import { startLive, stopLive, useLiveStatus } from './live';
import { href, useRoute } from './route';
import { setTimeZone } from './time';
import { Field, type Role } from './ui';
import { OverviewPage } from './pages/overview';
import { IncidentsPage } from './pages/incidents';
import { IncidentPage } from './pages/incident';
import { TargetsPage } from './pages/targets';
import { AgentsPage } from './pages/agents';
import { ReportsPage } from './pages/reports';
import { MaintenancePage } from './pages/maintenance';
import { InspectionPage } from './pages/inspection';
import { StatusPage } from './pages/status';
import { SessionsPage } from './pages/sessions';

export interface Me {
  name: string;
  role: Role;
  lang: Lang;
  csrf_token: string | null;
}

interface ConsoleInfo {
  lang: Lang;
  timezone: string;
  version: string;
}

const LANG_KEY = 'outpost.lang';
const savedLang = (): Lang | null => {
  const v = localStorage.getItem(LANG_KEY);
  return v === 'en' || v === 'zh-CN' ? v : null;
};

function Login({ onLogin }: { onLogin: (me: Me) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api<Me>('/session', { method: 'POST', body: { name, password, remember }, quiet401: true }));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.failed') : err instanceof ApiError && err.status === 429 ? t('login.limited') : errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>{t('app')}</h1>
        <Field label={t('login.name')}>
          <input name="name" autocomplete="username" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('login.password')}>
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        <label class="check">
          <input type="checkbox" name="remember" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} /> {t('login.remember')}
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        <LangSwitch />
      </form>
    </main>
  );
}

function LangSwitch({ onChange }: { onChange?: () => void }) {
  const [, force] = useState(0);
  return (
    <button
      type="button"
      class="link"
      onClick={() => {
        const next: Lang = lang() === 'zh-CN' ? 'en' : 'zh-CN';
        localStorage.setItem(LANG_KEY, next);
        setLang(next);
        force((n) => n + 1);
        onChange?.();
        window.dispatchEvent(new Event('outpost-lang'));
      }}
    >
      {t('language')}
    </button>
  );
}

const NAV: Array<[string, Key]> = [
  ['overview', 'nav.overview'],
  ['incidents', 'nav.incidents'],
  ['targets', 'nav.targets'],
  ['agents', 'nav.agents'],
  ['reports', 'nav.reports'],
  ['maintenance', 'nav.maintenance'],
  ['inspection', 'nav.inspection'],
];

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const route = useRoute();
  const live = useLiveStatus();
  const [menu, setMenu] = useState(false);
  const page = route.parts[0] ?? 'overview';
  useEffect(() => setMenu(false), [route]);
  let content;
  switch (page) {
    case 'incidents':
      content = route.parts[1] ? <IncidentPage number={route.parts[1]} me={me} ack={route.query.get('ack') === '1'} /> : <IncidentsPage key={route.query.toString()} me={me} query={route.query} />;
      break;
    case 'targets':
      content = <TargetsPage focus={route.parts[1] ?? null} />;
      break;
    case 'agents':
      content = <AgentsPage />;
      break;
    case 'reports':
      content = <ReportsPage />;
      break;
    case 'maintenance':
      content = <MaintenancePage me={me} />;
      break;
    case 'inspection':
      content = <InspectionPage />;
      break;
    case 'sessions':
      content = <SessionsPage />;
      break;
    default:
      content = <OverviewPage />;
  }
  const nav = me.role === 'admin' ? [...NAV, ['sessions', 'nav.sessions'] as [string, Key]] : NAV;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={href('overview')}>
          Outpost
        </a>
        <button type="button" class="menu-btn" aria-expanded={menu} aria-controls="nav" onClick={() => setMenu(!menu)}>
          {t('nav.menu')}
        </button>
        <nav id="nav" class={menu ? 'open' : ''} aria-label={t('nav.menu')}>
          {nav.map(([path, key]) => (
            <a href={href(path)} class={page === path ? 'active' : ''} aria-current={page === path ? 'page' : undefined}>
              {t(key)}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class={`live ${live ? 'up' : 'down'}`} role="status" title={live ? t('live.on') : t('live.off')}>
            {live ? t('live.on') : t('live.off')}
          </span>
          <span class="me">
            {me.name} ({me.role})
          </span>
          <LangSwitch />
          <button type="button" class="link" onClick={onLogout}>
            {t('logout')}
          </button>
        </div>
      </header>
      <main class="page">{content}</main>
    </div>
  );
}

function App() {
  const route = useRoute();
  const [info, setInfo] = useState<ConsoleInfo | null>(null);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [, setLangTick] = useState(0);

  useEffect(() => {
    const on = () => setLangTick((n) => n + 1);
    window.addEventListener('outpost-lang', on);
    return () => window.removeEventListener('outpost-lang', on);
  }, []);

  useEffect(() => {
    whenUnauthorized(() => {
      stopLive();
      setCsrfToken(null);
      setMe(null);
    });
    api<ConsoleInfo>('/console')
      .then((i) => {
        setInfo(i);
        setTimeZone(i.timezone);
        setLang(savedLang() ?? i.lang);
      })
      .catch(() => setInfo({ lang: 'zh-CN', timezone: 'Asia/Shanghai', version: '' }));
  }, []);

  const isStatus = route.parts[0] === 'status';
  useEffect(() => {
    if (!info || isStatus) return;
    api<Me>('/session', { quiet401: true }).then(accept, () => setMe(null));
  }, [info, isStatus]);

  function accept(m: Me) {
    setCsrfToken(m.csrf_token);
    if (!savedLang()) setLang(m.lang);
    setMe(m);
    startLive();
  }

  async function logout() {
    try {
      await api('/session', { method: 'DELETE' });
    } finally {
      stopLive();
      setCsrfToken(null);
      setMe(null);
    }
  }

  if (!info) return <p class="muted page">…</p>;
  if (isStatus) return <StatusPage secret={route.parts[1] ?? ''} />;
  if (me === undefined) return <p class="muted page">{t('loading')}</p>;
  if (me === null) return <Login onLogin={accept} />;
  return <Shell me={me} onLogout={logout} />;
}

render(<App />, document.getElementById('app')!);
