/**
 * Subscribes to an external broker (Mosquitto, EMQX) with mqtt.js. A persistent session (clean: false, fixed
 * client id) and PUBACKs held back until the ingest committed (./ack-gate.ts: the socket stays corked, so a
 * whole socket read shares one transaction) mean unacknowledged QoS 1 messages are redelivered after a crash.
 * `shared_group` subscribes via `$share/<group>/…`. The broker must let several messages be in flight to us
 * (Mosquitto `max_inflight_messages`, default 20) or batches stay that small.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.js';
import { topics } from '../../common/protocol.js';
import { createAckGate } from './ack-gate.js';

export interface ExternalSourceOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM file paths. */
  ca?: string;
  cert?: string;
  key?: string;
  sharedGroup?: string;
  /** 4 = MQTT 3.1.1 (works everywhere), 5 = MQTT 5. */
  protocolVersion: 4 | 5;
  logger: Logger;
  onMessage(topic: string, payload: Uint8Array): Promise<void>;
  /** The collector's own connection to the broker came up (true) or went down (false). */
  onConnectionChange?(connected: boolean): void;
}

export interface ExternalSource {
  connected(): boolean;
  stop(): Promise<void>;
}

export function subscriptionFilter(sharedGroup: string | undefined): string {
  return sharedGroup ? `$share/${sharedGroup}/${topics.all}` : topics.all;
}

export async function startExternalSource(opts: ExternalSourceOptions): Promise<ExternalSource> {
  const log = opts.logger;
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: opts.protocolVersion,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    username: opts.username,
    password: opts.password,
    ca: opts.ca ? readFileSync(opts.ca) : undefined,
    cert: opts.cert ? readFileSync(opts.cert) : undefined,
    key: opts.key ? readFileSync(opts.key) : undefined,
    ...(opts.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
  };
  const client: MqttClient = mqtt.connect(opts.url, options);
  // The PUBACK is written when this callback runs, into a stream the gate keeps corked until the commit.
  const gate = createAckGate();
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const stream = gate.hold(client.stream);
    opts.onMessage(packet.topic, payload).then(
      () => gate.committed(stream),
      (error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'ingest failed: dropping the connection so the broker redelivers');
        gate.failed(stream, error instanceof Error ? error : new Error(String(error)));
      },
    );
    callback();
  };
  const filter = subscriptionFilter(opts.sharedGroup);
  client.on('connect', (connack) => {
    opts.onConnectionChange?.(true);
    log.info({ url: opts.url, filter, session_present: connack.sessionPresent }, 'connected to external MQTT broker');
    // Re-subscribing is harmless and covers a broker that lost the session.
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) log.error({ err: error.message, filter }, 'subscribe failed');
    });
  });
  client.on('error', (error) => log.warn({ err: error.message }, 'MQTT client error'));
  client.on('close', () => opts.onConnectionChange?.(false));
  client.on('offline', () => log.warn({ url: opts.url }, 'external MQTT broker unreachable; reconnecting'));
  return {
    connected: () => client.connected,
    stop: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
