/**
 * One process of simulated agents for the fleet benchmark:
 *   node dist/bench/fleet/sim-fleet.js '<json SimFleetOptions>'
 * `count` agents as sim-agent.ts describes (the agent's real publisher and outbox, in-memory spool).
 *
 * Control: one JSON command per stdin line — `{"cmd":"mark"}` (the collector is about to restart: from each agent's
 * next connect, count it drained once everything spooled by then is acked), `{"cmd":"quiesce"}` (stop producing
 * results), `{"cmd":"final"}` (report every agent's last seq). Every second a `{"tick":…}` line on stdout.
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../../common/logger.js';
import { enrolmentPassword } from '../../collector/enrolment.js';
import { startSimAgent, type SimAgent } from './sim-agent.js';

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

interface FleetAgent {
  sim: SimAgent;
  track: Tracking;
}

interface Tracking {
  everConnected: boolean;
  /** After a mark: null until the next connect, then the seq that must be acked for "drained". */
  drainTarget: number | null | undefined;
  drainedAtMs: number | null;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as SimFleetOptions;
const logger = createLogger({ level: 'silent' });
const agents: FleetAgent[] = [];
let connects = 0;
let lastDrainedAtMs = 0;

function startAgent(index: number): void {
  const id = `${opts.prefix}-${String(index).padStart(5, '0')}`;
  const track: Tracking = { everConnected: false, drainTarget: undefined, drainedAtMs: null };
  const sim = startSimAgent({
    id,
    url: opts.url,
    checks: opts.checks,
    intervalS: opts.intervalS,
    ...(opts.enrolmentSecret !== undefined ? { password: enrolmentPassword(opts.enrolmentSecret, id) } : {}),
    logger,
    onConnect: () => {
      connects++;
      track.everConnected = true;
      if (track.drainTarget === null) track.drainTarget = sim.spool.lastSeq();
    },
  });
  agents.push({ sim, track });
}

function tick(): SimTick {
  let connected = 0;
  let ever = 0;
  let pending = 0;
  let drained = 0;
  let produced = 0;
  const nowMs = Date.now();
  for (const { sim, track } of agents) {
    if (sim.connected()) connected++;
    if (track.everConnected) ever++;
    pending += sim.spool.pending();
    produced += sim.spool.lastSeq();
    if (typeof track.drainTarget === 'number' && track.drainedAtMs === null && sim.spool.ackedSeq() >= track.drainTarget) {
      track.drainedAtMs = nowMs;
      lastDrainedAtMs = nowMs;
    }
    if (track.drainedAtMs !== null) drained++;
  }
  return { tick: true, atMs: nowMs, agents: agents.length, connected, everConnected: ever, pending, produced, connects, drained, lastDrainedAtMs };
}

const write = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const { cmd } = JSON.parse(line) as { cmd: string };
  if (cmd === 'mark') {
    for (const { track } of agents) {
      track.drainTarget = null;
      track.drainedAtMs = null;
    }
    lastDrainedAtMs = 0;
  } else if (cmd === 'quiesce') {
    for (const a of agents) a.sim.quiesce();
  } else if (cmd === 'final') {
    write({ final: true, agents: agents.map((a) => ({ id: a.sim.id, incarnation: a.sim.incarnation, lastSeq: a.sim.spool.lastSeq(), acked: a.sim.spool.ackedSeq() })) });
  }
});

const stepMs = opts.count > 0 ? opts.rampMs / opts.count : 0;
for (let i = 0; i < opts.count; i++) {
  if (stepMs === 0) startAgent(opts.first + i);
  else setTimeout(() => startAgent(opts.first + i), i * stepMs);
}
setInterval(() => write(tick()), 1000);
