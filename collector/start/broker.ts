/**
 * The collector's MQTT side: an external broker (Mosquitto, EMQX; with its health: an incident when it stays
 * unreachable) or the embedded aedes broker (its logins follow reloads). Messages go to the pipeline's input.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import { startEmbeddedBroker } from '../broker.js';
import { brokerHost, createBrokerHealth, type BrokerHealth } from '../broker-health.js';
import { storeLocation, type CollectorConfig } from '../config.js';
import type { IncidentService } from '../incidents/service.js';
import { startExternalSource, type ExternalSourceOptions } from '../ingest/external-source.js';
import { createSessionAdoption, type AdoptedSessionStatus } from '../jobs/session-adoption.js';
import type { SqlStore } from '../store/sql/connect.js';
import { BACKGROUND_TIMERS } from '../../common/timers.js';
import type { LiveConfig } from '../reload.js';

export const SHARED_GROUP_WARNING =
  'mqtt.shared_group is set but the store is SQLite: several collectors on one shared subscription would split each agent\'s history between their own SQLite files; point every collector at one PostgreSQL (store.url: postgres://…), or run one collector per broker';

interface BrokerDeps {
  config: CollectorConfig;
  lifecycle: Lifecycle;
  log: Logger;
  /** The unbound logger: the parts below name their own component. */
  root: Logger;
  now: () => number;
}

/** The external broker's health (null with the embedded broker); created before the ingest, which asks it. */
export function externalBrokerHealth(deps: BrokerDeps & { incidents: IncidentService | undefined; onReconnect: (atMs: number) => void }): BrokerHealth | null {
  const { config } = deps;
  if (!config.mqtt.url) return null;
  const health = createBrokerHealth({
    broker: brokerHost(config.mqtt.url),
    unreachableAfterMs: config.mqtt.unreachable_after,
    now: deps.now,
    logger: deps.root,
    ...(deps.incidents ? { incidents: deps.incidents } : {}),
    onReconnect: deps.onReconnect,
  });
  deps.lifecycle.add({ name: 'broker health', stop: () => health.stop() });
  return health;
}

export interface StartedBroker {
  /** The embedded broker's bound port; null with an external broker. */
  mqttPort: number | null;
  up: () => boolean;
  /** The broker sessions of other collectors this one runs now (null: no shared group on an external broker). */
  adoptedSessions: (() => AdoptedSessionStatus[]) | null;
  /** Ends adoption (no new one; adopted sessions stopped and released): first thing at shutdown. */
  stopAdopting: () => Promise<void>;
}

/**
 * The login an adopted session connects with: the adopted client id when ours is our client id too (a broker with
 * `use_username_as_clientid`, as deploy/mosquitto/mosquitto.conf: the client id follows the login, and the pair's
 * logins share one password), else our own.
 */
export function adoptedUsername(mqtt: Pick<CollectorConfig['mqtt'], 'username' | 'client_id'>, adoptedClientId: string): string | undefined {
  return mqtt.username !== undefined && mqtt.username === mqtt.client_id ? adoptedClientId : mqtt.username;
}

export async function startBroker(
  deps: BrokerDeps & {
    live: LiveConfig;
    health: BrokerHealth | null;
    warnings: string[];
    onMessage: (topic: string, payload: Uint8Array) => Promise<void>;
    /** The store and this collector's lease holder id: a shared group adopts dead peers' sessions through leases. */
    store: Pick<SqlStore, 'db'>;
    holder: string;
  },
): Promise<StartedBroker> {
  const { config, lifecycle, log, health } = deps;
  if (config.mqtt.url) {
    // Collectors sharing a subscription need one shared store: with PostgreSQL, $share is what pairs them.
    if (config.mqtt.shared_group && storeLocation(config).kind === 'sqlite') {
      log.warn({ shared_group: config.mqtt.shared_group }, SHARED_GROUP_WARNING);
      deps.warnings.push(SHARED_GROUP_WARNING);
    }
    const common: Omit<ExternalSourceOptions, 'clientId' | 'logger'> = {
      url: config.mqtt.url,
      username: config.mqtt.username,
      password: config.mqtt.password,
      ca: config.mqtt.ca,
      cert: config.mqtt.cert,
      key: config.mqtt.key,
      sharedGroup: config.mqtt.shared_group,
      protocolVersion: config.mqtt.protocol_version,
      // PUBACKs wait until their batch commits (ingest/ack-queue.ts) while the next messages are taken: they batch here too.
      onMessage: deps.onMessage,
      // Backpressure: reading stops while two batches' worth are uncommitted (per source: each has its own ack queue).
      maxPending: 2 * config.ingest.batch_max_messages,
    };
    const mqttLog = deps.root.child({ component: 'mqtt' });
    // A shared group: our session is leased to us, and a dead peer's session is adopted (jobs/session-adoption.ts).
    const adoption = config.mqtt.shared_group
      ? createSessionAdoption({
          store: deps.store,
          holder: deps.holder,
          clientId: config.mqtt.client_id,
          now: deps.now,
          timers: BACKGROUND_TIMERS,
          logger: deps.root,
          connect: (clientId, onClosed) =>
            startExternalSource({ ...common, clientId, username: adoptedUsername(config.mqtt, clientId), logger: mqttLog.child({ adopted_session: clientId }), reconnect: false, subscribe: false, onClosed }),
          onDuplicateClientId: (message) => deps.warnings.push(message),
        })
      : null;
    if (adoption) {
      // Released after our own client disconnected (stops run in reverse): a peer then adopts the session at once.
      lifecycle.add({ name: 'mqtt session lease', stop: () => adoption.releaseOwn() });
      lifecycle.add({ name: 'adopted mqtt sessions', stop: () => adoption.stopAdopting() });
      // Our claim before our connection: an adopter the broker disconnects for us finds the lease ours.
      await adoption.start();
    }
    const source = await startExternalSource({
      ...common,
      clientId: config.mqtt.client_id,
      logger: mqttLog,
      onConnectionChange: (connected) => health?.connectionChanged(connected),
    });
    lifecycle.add({ name: 'mqtt client', stop: () => source.stop() });
    // Stopped before the client: our own disconnect is no outage.
    if (health) lifecycle.add({ name: 'broker health', stop: () => health.stop() });
    return { mqttPort: null, up: source.connected, adoptedSessions: adoption ? () => adoption.status() : null, stopAdopting: () => adoption?.stopAdopting() ?? Promise.resolve() };
  }
  const broker = await startEmbeddedBroker({
    ...config.mqtt.listen,
    agents: config.mqtt.agents,
    enrolmentSecret: config.mqtt.enrolment_secret,
    revoked: config.mqtt.revoked,
    maxPayloadBytes: config.ingest.max_payload_bytes,
    now: deps.now,
    logger: deps.root.child({ component: 'broker' }),
    onPublish: deps.onMessage,
  });
  deps.live.on('mqtt', (next) => void broker.updateLogins(next.mqtt));
  let up = true;
  lifecycle.add({ name: 'embedded broker', stop: () => ((up = false), broker.stop()) });
  return { mqttPort: broker.port, up: () => up, adoptedSessions: null, stopAdopting: () => Promise.resolve() };
}
