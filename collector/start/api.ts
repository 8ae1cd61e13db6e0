/** The REST API and console: the express app over the collector's components, listening on `api.listen`. */
import type { Server } from 'node:http';
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import { createApp, type ApiDeps } from '../api/app.js';
import { findConsoleDir } from '../api/web-assets.js';
import type { CollectorConfig } from '../config.js';
import type { LiveConfig } from '../reload.js';

/**
 * What the collector hands the API: its store and components; `health.jobs` (the singleton jobs' leases) is shown in
 * /healthz when given. The store itself is probed by the API (`SELECT 1` with a timeout).
 */
export type ApiParts = Omit<ApiDeps, 'tokens' | 'logger' | 'publicUrl' | 'timeZone' | 'console'>;

export async function startApi(deps: { config: CollectorConfig; live: LiveConfig; lifecycle: Lifecycle; log: Logger; root: Logger; parts: ApiParts }) {
  const { config, live, lifecycle, log, parts } = deps;
  const webDir = findConsoleDir();
  if (!webDir) log.warn('web console assets not found (run npm run build): only the API is served');
  const app = createApp({
    ...parts,
    tokens: () => live.current().api.tokens,
    logger: deps.root.child({ component: 'api' }),
    publicUrl: config.api.public_url,
    timeZone: config.timezone,
    console: { users: () => live.current().api.users, statusPages: config.api.status_pages, timezone: config.timezone, lang: config.lang, webDir },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.api.listen.port, config.api.listen.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const apiPort = typeof address === 'object' && address ? address.port : config.api.listen.port;
  lifecycle.add({ name: 'api', stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return { app, apiPort };
}
