/**
 * One simulated agent: what agent/agent.ts wires, minus the checks. The real publisher (agent/publisher.ts: client id
 * = agent id, retained Last Will `offline`/`lost`, backoff 1 s doubling to 60 s jittered to 50–100 %, CONNACK timeout 60 s), the real
 * outbox (agent/outbox.ts: seq + incarnation, QoS 1, window 100, resend after a reconnect) over an in-memory spool
 * (mem-spool.ts), retained `online` status and inventory on every connect, `checks` checks at `intervalS` (one result
 * every intervalS/checks seconds, random phase), every result `ok`. Used by the fleet benchmark's simulator
 * processes and by the collector's restart-storm integration test.
 */
import { PROTOCOL_VERSION, topics, type CheckDescriptor, type InventoryMessage, type ResultMessage, type StatusMessage } from '../../common/protocol.js';
import type { Logger } from '../../common/logger.js';
import { newIncarnation } from '../../agent/seq.js';
import { connectMqtt } from '../../agent/mqtt-connect.js';
import { createOutbox } from '../../agent/outbox.js';
import { createPublisher } from '../../agent/publisher.js';
import { createMemSpool, type MemSpool } from './mem-spool.js';

export interface SimAgentOptions {
  id: string;
  url: string;
  checks: number;
  intervalS: number;
  /** MQTT login (the embedded broker's enrolment password); absent = anonymous. */
  password?: string;
  logger: Logger;
  /** Called on every successful connect (after the agent's own connect work). */
  onConnect?: () => void;
}

export interface SimAgent {
  id: string;
  incarnation: string;
  spool: MemSpool;
  connected(): boolean;
  /** Stops producing results (what is spooled is still delivered). */
  quiesce(): void;
  /** Graceful stop: last results flushed if possible, `offline`/`shutdown` published, disconnected. */
  stop(): Promise<void>;
}

function descriptors(agentId: string, checks: number, intervalS: number): CheckDescriptor[] {
  return Array.from({ length: checks }, (_, c) => ({ check_id: `check-${c}`, check_type: 'tcp', target: `${agentId}.example`, interval_s: intervalS }));
}

function inventoryPayload(agentId: string): string {
  const message: InventoryMessage = {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    sent_at_ms: Date.now(),
    agent_version: '0.1.0',
    hostname: agentId,
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-28-amd64', arch: 'x64' },
    hardware: { manufacturer: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', serial: agentId },
    cpu: { model: 'Intel Xeon Processor (Icelake)', cores: 4, physical_cores: 4 },
    memory_bytes: 8 * 1024 ** 3,
    disks: [{ device: '/dev/vda', type: 'HD', size_bytes: 100 * 1024 ** 3 }],
    interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: ['10.123.0.2'], ipv6: [] }],
  };
  return JSON.stringify(message);
}

export function startSimAgent(opts: SimAgentOptions): SimAgent {
  const { id } = opts;
  const checks = descriptors(id, opts.checks, opts.intervalS);
  const statusPayload = (state: 'online' | 'offline', reason?: string): string =>
    JSON.stringify({ v: PROTOCOL_VERSION, agent_id: id, state, ...(reason ? { reason } : {}), sent_at_ms: Date.now(), agent_version: '0.1.0', hostname: id, checks } satisfies StatusMessage);
  const spool = createMemSpool();
  const incarnation = newIncarnation();
  let last = 0;
  const publisher = createPublisher({
    mqtt: {
      url: opts.url,
      protocolVersion: 4,
      keepaliveMs: 30_000,
      reconnectMinMs: 1000,
      reconnectMaxMs: 60_000,
      rejectUnauthorized: true,
      ...(opts.password !== undefined ? { username: id, password: opts.password } : {}),
    },
    agentId: id,
    logger: opts.logger,
    will: { topic: topics.status(id), payload: statusPayload('offline', 'lost') },
    connect: connectMqtt,
  });
  const box = createOutbox({ agentId: id, spool, seq: { next: () => ++last, incarnation }, publisher, now: Date.now, logger: opts.logger });
  publisher.onConnect(() => {
    publisher.publish(topics.status(id), statusPayload('online'), { qos: 1, retain: true }).catch(() => undefined);
    publisher.publish(topics.inventory(id), inventoryPayload(id), { qos: 1, retain: true }).catch(() => undefined);
    box.pump();
    opts.onConnect?.();
  });
  publisher.start();

  let producing = true;
  let check = 0;
  const emit = (): void => {
    if (!producing) return;
    const nowMs = Date.now();
    const c = check++ % opts.checks;
    const result: Omit<ResultMessage, 'seq' | 'sent_at_ms'> = {
      v: PROTOCOL_VERSION,
      agent_id: id,
      check_id: `check-${c}`,
      check_type: 'tcp',
      target: `${id}.example`,
      interval_s: opts.intervalS,
      observed_at_ms: nowMs,
      duration_ms: 1.25,
      state: 'ok',
      message: 'connected in 1.2 ms',
      metrics: { connect_ms: 1.2, up: 1 },
    };
    box.enqueueResult(result);
  };
  const everyMs = (opts.intervalS * 1000) / opts.checks;
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    emit();
    interval = setInterval(emit, everyMs);
  }, Math.random() * everyMs);
  const quiesce = (): void => {
    producing = false;
    clearTimeout(first);
    clearInterval(interval);
  };
  return {
    id,
    incarnation,
    spool,
    connected: publisher.connected,
    quiesce,
    async stop() {
      quiesce();
      if (publisher.connected()) await box.flush(5000);
      await publisher.stop({ topic: topics.status(id), payload: statusPayload('offline', 'shutdown') });
    },
  };
}
