/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1 only). Messages are ingested inside aedes' `authorizePublish`
 * hook, which runs before the broker sends PUBACK: the callback fires only after the ingest batch committed,
 * so a QoS 1 result the agent saw acknowledged is durable (kill -9 safe). Packets of one socket read are
 * handled concurrently by aedes, so holding the callback still lets a whole burst share one transaction.
 */
import { Aedes } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { Logger } from '../common/logger.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Resolves when the message's effects are durable; rejection makes aedes drop the client (no PUBACK). */
  onPublish(topic: string, payload: Uint8Array): Promise<void>;
}

export interface EmbeddedBroker {
  /** The bound port (useful when 0 was asked for). */
  port: number;
  connectedClients(): number;
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = opts.logger;
  const aedes = await Aedes.createBroker({
    authorizePublish(client, packet, callback) {
      if (packet.topic.startsWith('$SYS/')) return callback(null);
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
  log.info({ host: opts.host, port }, 'embedded MQTT broker listening (MQTT 3.1.1)');
  return {
    port,
    connectedClients: () => aedes.connectedClients,
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
