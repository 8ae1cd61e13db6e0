/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1 only). Messages are ingested inside aedes' `authorizePublish`
 * hook, which runs before the broker sends PUBACK: the callback fires only after the ingest batch committed,
 * so a QoS 1 result the agent saw acknowledged is durable (kill -9 safe). Packets of one socket read are
 * handled concurrently by aedes, so holding the callback still lets a whole burst share one transaction.
 *
 * Last Wills: a will is "agent lost", so it is applied only when the agent is really gone — not while the collector
 * stops (closing), not for a connection that never received its CONNACK (the agent gave up waiting, e.g. in a
 * reconnect storm, and is retrying), and not for a connection a newer login of the same client id already replaced
 * (the agent reconnected before its old socket was seen to close). Applying those would open a false incident and
 * leave a connected agent marked offline.
 *
 * Identity (collector/broker/logins.ts): with logins configured, the username is the agent id, the client id must
 * belong to it, and an agent only publishes under its own topics. Every socket passes a packet-size guard
 * (collector/broker/packet-guard.ts) so an oversized packet is refused before it is buffered, also anonymously.
 */
import { Aedes, type Client } from 'aedes';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../common/logger.js';
import { TOPIC_ROOT } from '../common/protocol.js';
import { createLoginPolicy, type LoginConfig, type LoginPolicy } from './broker/logins.js';
import { guardConnection } from './broker/packet-guard.js';
import { createRefusalLog } from './broker/refusals.js';

/** Connections waiting to be accepted (the storm after a restart: one per agent). */
const LISTEN_BACKLOG = 4096;
/** Room for the topic and packet header beside the largest payload the ingest accepts. */
const PACKET_OVERHEAD_BYTES = 4096;

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Resolves when the message's effects are durable; rejection makes aedes drop the client (no PUBACK). */
  onPublish(topic: string, payload: Uint8Array): Promise<void>;
  /** Per-agent credentials (username = agent id); empty = anonymous clients publishing anywhere under the root. */
  agents?: LoginConfig['agents'];
  /** `mqtt.enrolment_secret`: any agent id logs in with its derived password (collector/enrolment.ts). */
  enrolmentSecret?: string | undefined;
  /** `mqtt.revoked`: ids refused whichever way they log in. */
  revoked?: readonly string[];
  /** The ingest's payload limit; larger packets are refused at the socket. */
  maxPayloadBytes: number;
  now?: () => number;
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
  /**
   * New logins and revocations (config reload): revoked agents, and anonymous clients when logins become required,
   * are disconnected; other connections stay (a changed password applies at the next login).
   */
  updateLogins(config: LoginConfig): { disconnected: string[] };
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = opts.logger;
  let policy: LoginPolicy = createLoginPolicy({ agents: opts.agents ?? [], enrolment_secret: opts.enrolmentSecret, revoked: opts.revoked ?? [] });
  /** The agent id each connected client logged in as (null = anonymous broker). */
  const logins = new Map<Client, string | null>();
  const refused = createRefusalLog(log, opts.now);
  const maxPacketBytes = opts.maxPayloadBytes + PACKET_OVERHEAD_BYTES;
  /** Set when the collector stops: closing its connections must not turn agents' Last Wills into "agent lost". */
  let closing = false;
  /** Clients that were sent their CONNACK: only those knew they were connected. */
  const acknowledged = new WeakSet<Client>();
  /** The newest logged-in connection per client id. */
  const newest = new Map<string, Client>();
  /** Is this publish the Last Will of a connection that does not mean the agent is lost? */
  const staleWill = (client: Client): boolean => client.closed && (!acknowledged.has(client) || newest.get(client.id) !== client);
  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, callback) {
      const verdict = policy.check(client.id, username, password);
      if (!verdict.ok) {
        refused('login', client.id, { username, reason: verdict.reason }, 'mqtt login refused');
        const error = Object.assign(new Error(verdict.reason === 'client id not owned' ? 'client id not owned by this login' : 'bad username or password'), { returnCode: verdict.returnCode });
        return callback(error, false);
      }
      logins.set(client, verdict.agentId);
      newest.set(client.id, client);
      callback(null, true);
    },
    authorizeSubscribe(_client, subscription, callback) {
      // Agents only publish; with credentials nobody reads other agents' traffic through the embedded broker.
      callback(policy.authenticated ? new Error('subscriptions are not allowed') : null, policy.authenticated ? null : subscription);
    },
    authorizePublish(client, packet, callback) {
      if (packet.topic.startsWith('$SYS/')) return callback(null);
      // The agents did not go away, we did: drop their wills (and anything unacknowledged: their spools resend it).
      if (closing) return callback(new Error('broker stopping'));
      if (client && staleWill(client)) {
        log.debug({ client_id: client.id, acknowledged: acknowledged.has(client) }, 'Last Will of a replaced or never-acknowledged connection not applied');
        return callback(new Error('stale will'));
      }
      const login = client ? logins.get(client) : undefined;
      if (!publishAllowed(login ?? undefined, packet.topic, policy.authenticated)) {
        refused('publish', client?.id ?? '-', { username: login, topic: packet.topic.slice(0, 200) }, 'mqtt publish outside the agent\'s own topics refused');
        return callback(new Error('not authorized'));
      }
      opts.onPublish(packet.topic, packet.payload as Uint8Array).then(
        () => callback(null),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  aedes.on('connackSent', (_packet, client) => acknowledged.add(client));
  aedes.on('clientDisconnect', (client) => {
    logins.delete(client);
    if (newest.get(client.id) === client) newest.delete(client.id);
  });
  aedes.on('clientError', (client, error) => log.debug({ client_id: client.id, err: error.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, error) => log.debug({ client_id: client?.id, err: error.message }, 'mqtt connection error'));
  const server: Server = createServer((socket: Socket) => {
    const conn = guardConnection(socket, maxPacketBytes, (packet, clientId) => {
      refused('size', clientId ?? `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, { packet_type: packet.type, bytes: packet.bytes, limit_bytes: maxPacketBytes }, 'mqtt packet larger than the ingest limit refused (connection closed)');
    });
    aedes.handle(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A reconnect storm queues thousands of connections at once: Node's default backlog (511) drops their SYNs, the
    // agents time out and back off towards reconnect_max. The kernel caps this at net.core.somaxconn.
    server.listen({ port: opts.port, host: opts.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ host: opts.host, port, authenticated: policy.authenticated, max_packet_bytes: maxPacketBytes }, 'embedded MQTT broker listening (MQTT 3.1.1)');
  if (!policy.authenticated && !/^(127\.|::1$|localhost$)/.test(opts.host)) {
    log.warn({ host: opts.host }, 'embedded MQTT broker accepts anonymous agents on a non-loopback address: set mqtt.enrolment_secret or mqtt.agents');
  }
  return {
    port,
    connectedClients: () => aedes.connectedClients,
    updateLogins(config) {
      policy = createLoginPolicy(config);
      const disconnected: string[] = [];
      for (const [client, agentId] of logins) {
        const id = agentId ?? client.id;
        // Revoked ids go, and so do anonymous clients once logins are required (their publishes would be refused).
        const anonymousNowRefused = agentId === null && policy.authenticated;
        if (anonymousNowRefused || policy.isRevoked(id) || config.revoked.some((r) => client.id === r || client.id.startsWith(`${r}:`))) {
          disconnected.push(client.id);
          logins.delete(client);
          client.close();
        }
      }
      log.info({ authenticated: policy.authenticated, revoked: config.revoked.length, disconnected }, 'mqtt logins reloaded');
      return { disconnected };
    },
    async stop() {
      closing = true;
      log.info({ clients: aedes.connectedClients }, 'embedded MQTT broker stopping; the agents\' Last Wills fired by closing their connections are not applied');
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
