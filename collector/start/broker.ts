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
import { startExternalSource } from '../ingest/external-source.js';
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
}

export async function startBroker(
  deps: BrokerDeps & { live: LiveConfig; health: BrokerHealth | null; warnings: string[]; onMessage: (topic: string, payload: Uint8Array) => Promise<void> },
): Promise<StartedBroker> {
  const { config, lifecycle, log, health } = deps;
  if (config.mqtt.url) {
    // Collectors sharing a subscription need one shared store: with PostgreSQL, $share is what pairs them.
    if (config.mqtt.shared_group && storeLocation(config).kind === 'sqlite') {
      log.warn({ shared_group: config.mqtt.shared_group }, SHARED_GROUP_WARNING);
      deps.warnings.push(SHARED_GROUP_WARNING);
    }
    const source = await startExternalSource({
      url: config.mqtt.url,
      clientId: config.mqtt.client_id,
      username: config.mqtt.username,
      password: config.mqtt.password,
      ca: config.mqtt.ca,
      cert: config.mqtt.cert,
      key: config.mqtt.key,
      sharedGroup: config.mqtt.shared_group,
      protocolVersion: config.mqtt.protocol_version,
      logger: deps.root.child({ component: 'mqtt' }),
      // PUBACKs wait until their batch commits (ingest/ack-queue.ts) while the next messages are taken: they batch here too.
      onMessage: deps.onMessage,
      // Backpressure: reading stops while two batches' worth are uncommitted.
      maxPending: 2 * config.ingest.batch_max_messages,
      onConnectionChange: (connected) => health?.connectionChanged(connected),
    });
    lifecycle.add({ name: 'mqtt client', stop: () => source.stop() });
    // Stopped before the client: our own disconnect is no outage.
    if (health) lifecycle.add({ name: 'broker health', stop: () => health.stop() });
    return { mqttPort: null, up: source.connected };
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
  return { mqttPort: broker.port, up: () => up };
}
