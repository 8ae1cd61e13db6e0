/**
 * The agent's MQTT connection (mqtt.js): clientId = agent id, Last Will = retained QoS 1 `offline`/`lost`,
 * TLS and username/password from config, reconnect with exponential backoff between reconnect_min and
 * reconnect_max, Nagle off. mqtt.js keeps unacked QoS 1 publishes and resends them in order on reconnect;
 * `publish` resolves on PUBACK.
 *
 * A fleet reconnects together (the collector restarted): each wait is jittered to 50–100 % of its nominal value so
 * the agents do not return in synchronised waves, and an agent waits up to CONNACK_TIMEOUT_MS for its CONNACK — a
 * collector working through a reconnect storm answers late, and giving up meant a new connection to handle later
 * plus a doubled backoff.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../common/logger.js';
import type { AgentConfig } from './config.js';

export interface PublisherDeps {
  mqtt: AgentConfig['mqtt'];
  agentId: string;
  logger: Logger;
  /** The Last Will: published by the broker when the connection is lost without a DISCONNECT. */
  will: { topic: string; payload: string };
  /** Injected for tests; defaults to mqtt.connect. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
  /** In [0, 1): the backoff jitter (default Math.random). */
  random?: () => number;
}

/** How long a connection attempt waits for the broker's CONNACK before it is given up. */
export const CONNACK_TIMEOUT_MS = 60_000;

export interface PublishOptions {
  qos: 0 | 1;
  retain?: boolean;
}

export function createPublisher(deps: PublisherDeps) {
  const log = deps.logger.child({ component: 'mqtt' });
  const connectListeners: Array<() => void> = [];
  let client: MqttClient | null = null;
  let everConnected = false;
  const random = deps.random ?? Math.random;
  /** The wait before the next attempt before jitter: reconnect_min after a connect, doubled after each failure. */
  let backoffMs = deps.mqtt.reconnectMinMs;
  const jittered = (ms: number): number => Math.max(1, Math.round(ms * (0.5 + 0.5 * random())));

  function options(): IClientOptions {
    const m = deps.mqtt;
    return {
      clientId: deps.agentId,
      protocolVersion: m.protocolVersion,
      keepalive: Math.round(m.keepaliveMs / 1000),
      reconnectPeriod: jittered(m.reconnectMinMs),
      connectTimeout: CONNACK_TIMEOUT_MS,
      clean: true,
      resubscribe: false,
      username: m.username,
      password: m.password,
      ca: m.ca ? readFileSync(m.ca) : undefined,
      cert: m.cert ? readFileSync(m.cert) : undefined,
      key: m.key ? readFileSync(m.key) : undefined,
      rejectUnauthorized: m.rejectUnauthorized,
      will: { topic: deps.will.topic, payload: Buffer.from(deps.will.payload), qos: 1, retain: true },
      // mqtt-packet's default number cache is 65,536 two-byte Buffers (~7 MiB of heap, a third of the agent's);
      // the agent publishes a few messages a second at most (BENCHMARKS.md "Agent footprint")
      writeCache: false,
    };
  }

  return {
    start(): void {
      const c = (deps.connect ?? mqtt.connect)(deps.mqtt.url, options());
      client = c;
      c.on('connect', () => {
        (c.stream as Partial<Socket>).setNoDelay?.(true);
        backoffMs = deps.mqtt.reconnectMinMs;
        c.options.reconnectPeriod = jittered(backoffMs);
        log.info({ url: deps.mqtt.url, reconnected: everConnected }, 'connected to broker');
        everConnected = true;
        for (const listener of connectListeners) listener();
      });
      // each failed attempt doubles the wait before the next, up to reconnect_max (then jittered)
      c.on('reconnect', () => {
        backoffMs = Math.min(backoffMs * 2, deps.mqtt.reconnectMaxMs);
        c.options.reconnectPeriod = jittered(backoffMs);
      });
      c.on('close', () => log.debug({ retry_ms: c.options.reconnectPeriod }, 'connection closed; reconnecting'));
      c.on('offline', () => log.warn({ url: deps.mqtt.url, retry_ms: c.options.reconnectPeriod }, 'broker unreachable; results go to the spool'));
      c.on('error', (error) => log.warn({ err: error.message }, 'mqtt error'));
    },

    onConnect(listener: () => void): void {
      connectListeners.push(listener);
    },

    connected: (): boolean => client?.connected === true,

    publish(topic: string, payload: string, opts: PublishOptions): Promise<void> {
      const c = client;
      if (!c) return Promise.reject(new Error('publisher not started'));
      return new Promise((resolve, reject) => {
        c.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (error) => (error ? reject(error) : resolve()));
      });
    },

    /** Sends `finalMessage` (the graceful offline status) if connected, then disconnects cleanly. */
    async stop(finalMessage?: { topic: string; payload: string }, timeoutMs = 5000): Promise<void> {
      const c = client;
      client = null;
      if (!c) return;
      if (c.connected && finalMessage) {
        let timer: NodeJS.Timeout | undefined;
        const sent = new Promise<void>((resolve) => {
          c.publish(finalMessage.topic, finalMessage.payload, { qos: 1, retain: true }, () => resolve());
        });
        await Promise.race([sent, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => c.end(!c.connected, {}, () => resolve()));
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;
