/**
 * The agent: checks on a schedule → ordered disk spool → MQTT. Start order: spool, seq, checks, MQTT,
 * scheduler, inventory; stop in reverse (graceful: last results flushed, `offline`/`shutdown` published).
 */
import { mkdirSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { createLifecycle } from '../common/lifecycle.js';
import type { Logger } from '../common/logger.js';
import { PROTOCOL_VERSION, topics, type StatusMessage } from '../common/protocol.js';
import { OUTPOST_VERSION } from '../common/version.js';
import type { AgentConfig } from './config.js';
import { createCheckInstances, describeChecks, toResult } from './instances.js';
import { connectMqtt } from './mqtt-connect.js';
import { createInventoryCollector, createInventoryReporter, type InventoryContent } from './inventory.js';
import { createOutbox } from './outbox.js';
import { createPublisher } from './publisher.js';
import { createScheduler } from './scheduler.js';
import { openSeqAllocator } from './seq.js';
import { openSpool } from './spool.js';
import { snmpDevices } from './traps/devices.js';
import { createInterfaceDirectory } from './traps/interfaces.js';
import { createEventQueue } from './traps/events.js';

export interface AgentDeps {
  config: AgentConfig;
  logger: Logger;
  now?: () => number;
  hostname?: string;
  /** In [0, 1): first-run offsets within each interval. */
  random?: () => number;
  collectInventory?: () => Promise<InventoryContent>;
  mqttConnect?: (url: string, options: IClientOptions) => MqttClient;
  /** Observability hook: called with every result after it was spooled (tests, diagnostics). */
  onResultQueued?: (seq: number, result: ReturnType<typeof toResult>) => void;
  /** How long stop() waits for unacked results before disconnecting (they stay spooled either way). */
  flushTimeoutMs?: number;
}

export function createAgent(deps: AgentDeps) {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const hostname = deps.hostname ?? osHostname();
  /** Written by the snmp checks' polls, read by the trap receiver (link traps name their interface). */
  const interfaceDirectory = createInterfaceDirectory();
  const agentId = config.agent.id;
  const log = deps.logger.child({ component: 'agent', agent_id: agentId });
  const lifecycle = createLifecycle(log);
  const descriptors = describeChecks(config.checks);
  /** False when the whole system stops together (`outpost up`): no "agent stopped" status for the collector to record. */
  let announceStop = true;

  const status = (state: 'online' | 'offline', reason?: string): string =>
    JSON.stringify({
      v: PROTOCOL_VERSION,
      agent_id: agentId,
      state,
      ...(reason ? { reason } : {}),
      sent_at_ms: now(),
      agent_version: OUTPOST_VERSION,
      hostname,
      checks: descriptors,
    } satisfies StatusMessage);

  let outbox: ReturnType<typeof createOutbox> | null = null;

  return {
    async start(): Promise<void> {
      mkdirSync(config.agent.stateDir, { recursive: true, mode: 0o750 });
      const spool = openSpool({ dir: join(config.agent.stateDir, 'spool'), maxBytes: config.spool.maxBytes, maxAgeMs: config.spool.maxAgeMs, now, logger: deps.logger });
      lifecycle.add({ name: 'spool', stop: () => spool.close() });
      const seq = openSeqAllocator(join(config.agent.stateDir, 'seq'), { atLeast: spool.highestSeq() });
      const checks = createCheckInstances(config.checks, { logger: deps.logger, now, hostname, stateDir: config.agent.stateDir, interfaceDirectory });
      lifecycle.add({ name: 'checks', stop: async () => void (await Promise.allSettled(checks.map((c) => c.instance.close?.()))) });

      const publisher = createPublisher({
        mqtt: config.mqtt,
        agentId,
        logger: deps.logger,
        will: { topic: topics.status(agentId), payload: status('offline', 'lost') },
        connect: deps.mqttConnect ?? connectMqtt, // mqtt.connect without loading every transport (footprint)
      });
      const box = createOutbox({ agentId, spool, seq, publisher, now, logger: deps.logger });
      outbox = box;

      const inventory = createInventoryReporter({
        collect: deps.collectInventory ?? createInventoryCollector(agentId, hostname),
        connected: publisher.connected,
        publish: (message) => publisher.publish(topics.inventory(agentId), JSON.stringify(message), { qos: 1, retain: true }),
        now,
        logger: log,
      });
      publisher.onConnect(() => {
        publisher.publish(topics.status(agentId), status('online'), { qos: 1, retain: true }).catch((error: unknown) => log.warn({ err: error }, 'status publish failed'));
        inventory.onConnect();
        box.pump();
      });
      publisher.start();
      lifecycle.add({
        name: 'mqtt',
        stop: async () => {
          if (publisher.connected() && !(await box.flush(deps.flushTimeoutMs ?? 5000))) log.warn('unacknowledged results stay in the spool for the next start');
          await publisher.stop(announceStop ? { topic: topics.status(agentId), payload: status('offline', 'shutdown') } : undefined);
        },
      });

      const scheduler = createScheduler({
        checks,
        now,
        random: deps.random ?? Math.random,
        logger: deps.logger,
        onResult: (check, outcome) => {
          const result = toResult(agentId, check, outcome);
          const seq = box.enqueueResult(result);
          deps.onResultQueued?.(seq, result);
        },
      });
      scheduler.start();
      lifecycle.add({ name: 'scheduler', stop: () => scheduler.stop() });

      if (config.traps) {
        const onEvent = createEventQueue({ agentId, spool, seq, now, pump: () => box.pump() });
        // imported here: net-snmp stays out of agents without traps (BENCHMARKS.md "Agent footprint")
        const { createTrapReceiver } = await import('./traps/receiver.js');
        const traps = createTrapReceiver({ config: config.traps, devices: snmpDevices(config.checks), interfaces: interfaceDirectory, logger: deps.logger, now, onEvent });
        // a port we may not bind (162 without root) costs the traps, not the agent
        await traps.start().then(
          () => lifecycle.add({ name: 'traps', stop: () => traps.stop() }),
          (error: unknown) => log.error({ err: error, port: config.traps?.port }, 'snmp trap receiver could not start; running without it'),
        );
      }

      void inventory.refresh();
      const inventoryTimer = setInterval(() => void inventory.refresh(), config.inventory.intervalMs);
      const spoolAgeTimer = setInterval(() => spool.enforceBounds(), 60_000);
      lifecycle.add({ name: 'timers', stop: () => { clearInterval(inventoryTimer); clearInterval(spoolAgeTimer); } });
      log.info({ checks: descriptors.length, broker: config.mqtt.url, state_dir: config.agent.stateDir, incarnation: seq.incarnation }, 'agent started');
    },

    /**
     * Graceful: stops checks, flushes what the broker will take, publishes offline/shutdown (unless `announce` is
     * false: then it disconnects cleanly and silently, which also discards the Last Will), closes the spool.
     */
    stop: (options: { announce?: boolean } = {}): Promise<void> => {
      announceStop = options.announce ?? true;
      return lifecycle.stop();
    },

    stats: () => outbox?.stats() ?? { published: 0, inflight: 0 },
  };
}

export type Agent = ReturnType<typeof createAgent>;
