/**
 * One process of simulated agents for the fleet benchmark:
 *   node dist/bench/fleet/sim-fleet.js '<json SimFleetOptions>'
 * Each agent is what agent/agent.ts wires, minus the checks: the real publisher (agent/publisher.ts: client id =
 * agent id, retained Last Will `offline`/`lost`, backoff 1 s doubling to 60 s, CONNACK timeout 30 s), the real
 * outbox (agent/outbox.ts: seq + incarnation, QoS 1, window 100, resend on reconnect) over an in-memory spool
 * (mem-spool.ts), retained `online` status and inventory on every connect. Each agent runs `checks` checks at
 * `intervalS` (one result every intervalS/checks seconds, random phase), every result `ok`.
 *
 * Control: one JSON command per stdin line — `{"cmd":"mark"}` (the collector is about to restart: from each agent's
 * next connect, count it drained once everything spooled by then is acked), `{"cmd":"quiesce"}` (stop producing
 * results), `{"cmd":"final"}` (report every agent's last seq). Every second a `{"tick":…}` line on stdout.
 */
import { createInterface } from 'node:readline';
import { PROTOCOL_VERSION, topics, type CheckDescriptor, type InventoryMessage, type ResultMessage, type StatusMessage } from '../../common/protocol.js';
import { createLogger } from '../../common/logger.js';
import { enrolmentPassword } from '../../collector/enrolment.js';
import { newIncarnation } from '../../agent/seq.js';
import { connectMqtt } from '../../agent/mqtt-connect.js';
import { createOutbox } from '../../agent/outbox.js';
import { createPublisher } from '../../agent/publisher.js';
import { createMemSpool, type MemSpool } from './mem-spool.js';

export interface SimFleetOptions {
  url: string;
  /** Agent ids are `<prefix>-<n>` for n in [first, first + count). */
  prefix: string;
  first: number;
  count: number;
  checks: number;
  intervalS: number;
  /** The collector's `mqtt.enrolment_secret`: each agent logs in with its derived password, as enrolled agents do. */
  enrolmentSecret?: string;
  /** Spread the first connects over this many ms (0 = all at once). */
  rampMs: number;
}

export interface SimTick {
  tick: true;
  atMs: number;
  agents: number;
  connected: number;
  /** Agents that connected at least once since the start. */
  everConnected: number;
  pending: number;
  produced: number;
  connects: number;
  /** Since the last mark: agents reconnected and drained (everything spooled at reconnect acked). */
  drained: number;
  lastDrainedAtMs: number;
}

interface SimAgent {
  id: string;
  spool: MemSpool;
  connected: () => boolean;
  everConnected: boolean;
  /** After a mark: null until the next connect, then the seq that must be acked for "drained". */
  drainTarget: number | null | undefined;
  drainedAtMs: number | null;
  incarnation: string;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as SimFleetOptions;
const logger = createLogger({ level: 'silent' });
const agents: SimAgent[] = [];
let producing = true;
let connects = 0;
let produced = 0;
let lastDrainedAtMs = 0;

function descriptors(agentId: string): CheckDescriptor[] {
  return Array.from({ length: opts.checks }, (_, c) => ({ check_id: `check-${c}`, check_type: 'tcp', target: `${agentId}.example`, interval_s: opts.intervalS }));
}

function statusPayload(agentId: string, state: 'online' | 'offline', reason?: string): string {
  const message: StatusMessage = { v: PROTOCOL_VERSION, agent_id: agentId, state, ...(reason ? { reason } : {}), sent_at_ms: Date.now(), agent_version: '0.1.0', hostname: agentId, checks: descriptors(agentId) };
  return JSON.stringify(message);
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
    interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: ['10.0.0.2'], ipv6: [] }],
  };
  return JSON.stringify(message);
}

function startAgent(index: number): void {
  const id = `${opts.prefix}-${String(index).padStart(5, '0')}`;
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
      ...(opts.enrolmentSecret !== undefined ? { username: id, password: enrolmentPassword(opts.enrolmentSecret, id) } : {}),
    },
    agentId: id,
    logger,
    will: { topic: topics.status(id), payload: statusPayload(id, 'offline', 'lost') },
    connect: connectMqtt,
  });
  const box = createOutbox({ agentId: id, spool, seq: { next: () => ++last, incarnation }, publisher, now: Date.now, logger });
  const agent: SimAgent = { id, spool, connected: publisher.connected, everConnected: false, drainTarget: undefined, drainedAtMs: null, incarnation };
  agents.push(agent);
  publisher.onConnect(() => {
    connects++;
    agent.everConnected = true;
    if (agent.drainTarget === null) agent.drainTarget = spool.lastSeq();
    publisher.publish(topics.status(id), statusPayload(id, 'online'), { qos: 1, retain: true }).catch(() => undefined);
    publisher.publish(topics.inventory(id), inventoryPayload(id), { qos: 1, retain: true }).catch(() => undefined);
    box.pump();
  });
  publisher.start();
  const everyMs = (opts.intervalS * 1000) / opts.checks;
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
    produced++;
  };
  setTimeout(() => {
    emit();
    setInterval(emit, everyMs);
  }, Math.random() * everyMs);
}

function tick(): SimTick {
  let connected = 0;
  let ever = 0;
  let pending = 0;
  let drained = 0;
  const nowMs = Date.now();
  for (const a of agents) {
    if (a.connected()) connected++;
    if (a.everConnected) ever++;
    pending += a.spool.pending();
    if (typeof a.drainTarget === 'number' && a.drainedAtMs === null && a.spool.ackedSeq() >= a.drainTarget) {
      a.drainedAtMs = nowMs;
      lastDrainedAtMs = nowMs;
    }
    if (a.drainedAtMs !== null) drained++;
  }
  return { tick: true, atMs: nowMs, agents: agents.length, connected, everConnected: ever, pending, produced, connects, drained, lastDrainedAtMs };
}

const write = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const { cmd } = JSON.parse(line) as { cmd: string };
  if (cmd === 'mark') {
    for (const a of agents) {
      a.drainTarget = null;
      a.drainedAtMs = null;
    }
    lastDrainedAtMs = 0;
  } else if (cmd === 'quiesce') {
    producing = false;
  } else if (cmd === 'final') {
    write({ final: true, agents: agents.map((a) => ({ id: a.id, incarnation: a.incarnation, lastSeq: a.spool.lastSeq(), acked: a.spool.ackedSeq() })) });
  }
});

const stepMs = opts.count > 0 ? opts.rampMs / opts.count : 0;
for (let i = 0; i < opts.count; i++) {
  if (stepMs === 0) startAgent(opts.first + i);
  else setTimeout(() => startAgent(opts.first + i), i * stepMs);
}
setInterval(() => write(tick()), 1000);
