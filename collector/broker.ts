/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1 only). Messages are ingested inside aedes' `authorizePublish`
 * hook, which runs before the broker sends PUBACK: the callback fires only after the ingest batch committed,
 * so a QoS 1 result the agent saw acknowledged is durable (kill -9 safe). Packets of one socket read are
 * handled concurrently by aedes, so holding the callback still lets a whole burst share one transaction.
 */
import { Aedes } from 'aedes';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { Logger } from '../common/logger.js';
import { TOPIC_ROOT } from '../common/protocol.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Resolves when the message's effects are durable; rejection makes aedes drop the client (no PUBACK). */
  onPublish(topic: string, payload: Uint8Array): Promise<void>;
  /** Per-agent credentials (username = agent id); empty = anonymous clients publishing anywhere under the root. */
  agents?: ReadonlyArray<{ id: string; password: string }>;
}

/** Constant-time password check (hashing first so lengths never leak through the comparison). */
function samePassword(given: Buffer | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** With credentials, an agent may only publish under its own topic prefix (like the Mosquitto `%u` ACL). */
export function publishAllowed(username: string | undefined, topic: string, authenticated: boolean): boolean {
  if (!authenticated) return true;
  return username !== undefined && topic.startsWith(`${TOPIC_ROOT}/${username}/`);
}

export interface EmbeddedBroker {
  /** The bound port (useful when 0 was asked for). */
  port: number;
  connectedClients(): number;
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = opts.logger;
  const credentials = new Map((opts.agents ?? []).map((a) => [a.id, a.password]));
  const authenticated = credentials.size > 0;
  const usernames = new WeakMap<object, string>();
  /** Set when the collector stops: closing its connections must not turn agents' Last Wills into "agent lost". */
  let closing = false;
  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, callback) {
      if (!authenticated) return callback(null, true);
      const expected = username === undefined ? undefined : credentials.get(username);
      if (expected === undefined || !samePassword(password, expected)) {
        log.warn({ client_id: client.id, username }, 'mqtt login refused');
        const error = Object.assign(new Error('bad username or password'), { returnCode: 4 });
        return callback(error, false);
      }
      usernames.set(client, username as string);
      callback(null, true);
    },
    authorizeSubscribe(client, subscription, callback) {
      // Agents only publish; with credentials nobody reads other agents' traffic through the embedded broker.
      callback(authenticated ? new Error('subscriptions are not allowed') : null, authenticated ? null : subscription);
    },
    authorizePublish(client, packet, callback) {
      if (packet.topic.startsWith('$SYS/')) return callback(null);
      // The agents did not go away, we did: drop their wills (and anything unacknowledged: their spools resend it).
      if (closing) return callback(new Error('broker stopping'));
      if (!publishAllowed(client ? usernames.get(client) : undefined, packet.topic, authenticated)) {
        log.warn({ client_id: client?.id, topic: packet.topic }, 'mqtt publish outside the agent\'s own topics refused');
        return callback(new Error('not authorized'));
      }
      opts.onPublish(packet.topic, packet.payload as Uint8Array).then(
        () => callback(null),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  aedes.on('clientError', (client, error) => log.debug({ client_id: client.id, err: error.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, error) => log.debug({ client_id: client?.id, err: error.message }, 'mqtt connection error'));
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ host: opts.host, port, authenticated }, 'embedded MQTT broker listening (MQTT 3.1.1)');
  if (!authenticated && !/^(127\.|::1$|localhost$)/.test(opts.host)) {
    log.warn({ host: opts.host }, 'embedded MQTT broker accepts anonymous agents on a non-loopback address: set mqtt.agents');
  }
  return {
    port,
    connectedClients: () => aedes.connectedClients,
    async stop() {
      closing = true;
      log.info({ clients: aedes.connectedClients }, 'embedded MQTT broker stopping; the agents\' Last Wills fired by closing their connections are not applied');
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
