/**
 * Two collector processes on one PostgreSQL and one Mosquitto (`$share`), fed by agents speaking the agent protocol
 * (common/protocol.ts) over their own MQTT connections: the harness of the pair tests (issue 13, docs/ha.md).
 *
 * The agents are MQTT clients rather than agent processes so the test knows every seq it sent and the broker
 * acknowledged (the ledger "zero lost, zero duplicated" is checked against), and decides exactly when a check
 * changes state. Everything binds to 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { expect, vi } from 'vitest';
import { PROTOCOL_VERSION, topics, type CheckState, type ResultMessage, type StatusMessage } from '../../../../common/protocol.js';
import { OUTPOST_BIN, assertBuilt } from '../../../helpers/built.js';
import { startMosquitto, type MosquittoServer } from '../../../helpers/mosquitto.js';
import { freePort } from '../../../helpers/ports.js';
import { isRoot } from '../../../helpers/root.js';

export const TOKEN = 'pair-viewer-token-0123456789';

/**
 * Mosquitto sized like deploy/mosquitto/mosquitto.conf: persistent sessions kept on disk, a queue per session large
 * enough for the outage the test makes, a bounded in-flight window. Later lines win over the helper's defaults.
 */
export async function startDeployLikeMosquitto(): Promise<MosquittoServer> {
  const data = mkdtempSync(join(tmpdir(), 'outpost-pair-mosq-'));
  if (isRoot) {
    // As root Mosquitto drops to the user `mosquitto`, which must write its persistence file.
    const uid = Number(spawnSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'mosquitto'], { encoding: 'utf8' }).stdout.trim());
    if (Number.isInteger(uid) && Number.isInteger(gid)) chownSync(data, uid, gid);
  }
  return startMosquitto({
    extraConfig: ['persistence true', `persistence_location ${data}/`, 'autosave_interval 5', 'max_queued_messages 1000000', 'max_inflight_messages 100'].join('\n'),
  });
}

/** The SLA part of both collectors' config: every crit is P2, whose escalation chain fires within the test. */
export const ESCALATION_LEVELS = [
  { after: '8s', name: 'l1' },
  { after: '20s', name: 'l2' },
  { after: '35s', name: 'l3' },
] as const;

function collectorConfig(opts: { id: 'a' | 'b'; dir: string; storeUrl: string; mqttUrl: string; apiPort: number; webhookUrl: string }): Record<string, unknown> {
  return {
    data_dir: join(opts.dir, 'data'),
    store: { url: opts.storeUrl },
    ha: { collector_id: opts.id },
    mqtt: { url: opts.mqttUrl, client_id: `outpost-collector-${opts.id}`, shared_group: 'outpost' },
    api: { listen: { host: '127.0.0.1', port: opts.apiPort }, tokens: [{ name: 'viewer', token: TOKEN, role: 'viewer' }] },
    incidents: { rules: [{ match: { state: 'crit' }, severity: 'P2' }] },
    // Escalations page the level's channel only (no routes): the receiver counts each page.
    notifications: { channels: { hook: { type: 'webhook', url: opts.webhookUrl } }, lang: 'en' },
    sla: {
      escalations: { fast: { timer: 'resolution', levels: ESCALATION_LEVELS.map((l) => ({ ...l, channels: ['hook'] })) } },
      // levels-i-iv with a P2 short enough that its warning and breach fire during the test too.
      policies: { pair: { extends: 'levels-i-iv', severities: { P2: { response: '15s', resolution: '45s', escalation: 'fast' } } } },
      contracts: [{ name: 'pair', policy: 'pair', calendar: '24x7', members: { all: true } }],
    },
  };
}

export interface HealthBody {
  ok: boolean;
  db?: boolean;
  store?: { engine: string; ok: boolean };
  broker: boolean;
  jobs?: Record<string, { holder: string | null; held: boolean; until_ms: number | null }>;
  adopted_sessions?: Array<{ client_id: string; since_ms: number; until_ms: number; connected: boolean }>;
}

/** One `outpost collector --config FILE` process, restartable with the same config (as systemd would). */
export class CollectorProcess {
  readonly configFile: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private starts = 0;

  constructor(
    readonly id: 'a' | 'b',
    readonly dir: string,
    readonly apiPort: number,
    config: Record<string, unknown>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.configFile = join(dir, 'collector.yaml');
    this.logFile = join(dir, 'collector.log');
    writeFileSync(this.configFile, JSON.stringify(config, null, 2)); // JSON is YAML
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the collector; resolves once its API answers /healthz (whatever the answer). */
  async start(): Promise<void> {
    assertBuilt();
    const out = openSync(this.logFile, 'a');
    this.starts++;
    writeFileSync(this.logFile, `--- start ${this.starts} ---\n`, { flag: 'a' });
    const child = spawn(process.execPath, [OUTPOST_BIN, 'collector', '--config', this.configFile], {
      cwd: this.dir,
      env: { ...process.env, OUTPOST_LOG_LEVEL: 'info' },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`collector ${this.id} exited (${code ?? signal}) at start:\n${this.tail()}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answered = await Promise.race([this.health().then(() => true, () => false), exited]);
      if (answered) return;
      if (Date.now() > deadline) throw new Error(`collector ${this.id}: no /healthz after 90 s:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `kill -9`: no shutdown of any kind (no lease release, no DISCONNECT: the broker keeps the session). */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** Graceful stop (SIGTERM), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
  }

  async health(): Promise<{ status: number; body: HealthBody }> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/healthz`, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: (await res.json()) as HealthBody };
  }

  /** The singleton jobs as its /healthz shows them; throws when the field is missing. */
  async jobs(): Promise<NonNullable<HealthBody['jobs']>> {
    const { body } = await this.health();
    if (!body.jobs) throw new Error(`collector ${this.id}: /healthz has no jobs field: ${JSON.stringify(body)}`);
    return body.jobs;
  }

  /** GET on the API with the viewer token; throws on a non-2xx answer (the message names the path and status). */
  async get<T>(path: string): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`collector ${this.id} GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** The last lines of its log (for failure messages). */
  tail(lines = 40): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }
}

/** The checks every simulated agent runs; `down-*` turn crit when the test says, `flap` alternates ok/warn. */
export const CHECKS = ['load-0', 'load-1', 'load-2', 'flap', 'down-1', 'down-2'] as const;
export type CheckId = (typeof CHECKS)[number];

/**
 * An agent as the collector sees it: its own MQTT connection (client id = agent id, retained `online` status, the
 * Last Will `offline`/`lost`), results at QoS 1 with a per-agent seq and an incarnation. Publishes one result every
 * `tickMs`, round-robin over CHECKS, with at most `maxInFlight` unacknowledged (what mqtt.js would buffer).
 * `acked` holds every seq the broker acknowledged: what must end up applied exactly once.
 */
export class SimAgent {
  readonly incarnation: string;
  readonly acked = new Set<number>();
  readonly sentAt = new Map<number, number>();
  private client: MqttClient | null = null;
  private seq = 0;
  private next = 0;
  private inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private errors: string[] = [];
  /** Checks currently reported crit. */
  readonly crit = new Set<CheckId>();

  constructor(
    readonly id: string,
    private readonly brokerUrl: string,
    private readonly tickMs = 20,
    private readonly maxInFlight = 50,
  ) {
    this.incarnation = `inc-${id}-${process.pid}`;
  }

  /** Highest seq handed to the client so far. */
  get lastSeq(): number {
    return this.seq;
  }

  private statusMessage(state: 'online' | 'offline', reason?: string): StatusMessage {
    return {
      v: PROTOCOL_VERSION,
      agent_id: this.id,
      state,
      ...(reason ? { reason } : {}),
      sent_at_ms: Date.now(),
      agent_version: '0.1.0',
      hostname: `${this.id}.local`,
      checks: CHECKS.map((c) => ({ check_id: c, check_type: 'tcp', target: `${this.id}-${c}`, interval_s: 60 })),
    };
  }

  private stateOf(check: CheckId, nowMs: number): CheckState {
    if (this.crit.has(check)) return 'crit';
    if (check === 'flap') return Math.floor(nowMs / 4000) % 2 === 1 ? 'warn' : 'ok';
    return 'ok';
  }

  async connect(): Promise<void> {
    const client = await mqtt.connectAsync(this.brokerUrl, {
      clientId: this.id,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1000,
      will: { topic: topics.status(this.id), payload: Buffer.from(JSON.stringify(this.statusMessage('offline', 'lost'))), qos: 1, retain: true },
    });
    (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
    client.on('error', (e) => this.errors.push(e.message));
    this.client = client;
    await client.publishAsync(topics.status(this.id), JSON.stringify(this.statusMessage('online')), { qos: 1, retain: true });
  }

  private publishOne(): void {
    const client = this.client;
    if (!client) return;
    const check = CHECKS[this.next % CHECKS.length] as CheckId;
    this.next++;
    const seq = ++this.seq;
    const now = Date.now();
    // interval_s 60 although results come far faster: silence (3 intervals) must not depend on how fast this machine is.
    const message: ResultMessage = {
      v: PROTOCOL_VERSION,
      agent_id: this.id,
      seq,
      incarnation: this.incarnation,
      check_id: check,
      check_type: 'tcp',
      target: `${this.id}-${check}`,
      interval_s: 60,
      observed_at_ms: now,
      sent_at_ms: now,
      duration_ms: 1,
      state: this.stateOf(check, now),
      message: `${check} seq ${seq}`,
      metrics: { latency_ms: seq % 100 },
    };
    this.sentAt.set(seq, now);
    const p = client.publishAsync(topics.results(this.id), JSON.stringify(message), { qos: 1 }).then(
      () => {
        this.acked.add(seq);
      },
      (e: unknown) => {
        this.errors.push(`seq ${seq}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Starts publishing (one result per tick while fewer than maxInFlight wait for their PUBACK). */
  startLoad(): void {
    this.timer = setInterval(() => {
      if (this.inFlight.size < this.maxInFlight) this.publishOne();
    }, this.tickMs);
  }

  /** Stops publishing and waits until every result handed to the client was acknowledged by the broker. */
  async stopLoad(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    if (this.errors.length > 0) throw new Error(`agent ${this.id}: ${this.errors.slice(0, 5).join('; ')}`);
    if (this.acked.size !== this.seq) throw new Error(`agent ${this.id}: ${this.seq} results sent, ${this.acked.size} acknowledged by the broker`);
  }

  /** Disconnects without a Last Will (an agent that is simply done; its status stays `online`). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true);
  }
}

/** A plain pg client on the test database: the ledger is read straight from the shared store. */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Seqs of `agents`' results in the dedupe set, per agent (each row is one applied result). */
export async function appliedSeqs(db: pg.Client): Promise<Map<string, number[]>> {
  const { rows } = await db.query<{ agent_id: string; seq: string | number }>(
    "SELECT agent_id, seq FROM seen_seqs WHERE stream LIKE 'results%' ORDER BY agent_id, seq",
  );
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const list = out.get(r.agent_id) ?? [];
    list.push(Number(r.seq));
    out.set(r.agent_id, list);
  }
  return out;
}

/** Results the observation log holds per agent (its run-length counts summed): each applied result counts once. */
export async function observedCounts(db: pg.Client): Promise<Map<string, number>> {
  const { rows } = await db.query<{ agent_id: string; n: string | number }>('SELECT agent_id, SUM(count) AS n FROM observation_runs GROUP BY agent_id');
  return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
}

/** Every incident key that has more than one incident row (a duplicate incident), with its numbers. */
export async function duplicateIncidents(db: pg.Client): Promise<Array<{ dedup_key: string; numbers: string }>> {
  const { rows } = await db.query<{ dedup_key: string; numbers: string }>(
    "SELECT dedup_key, string_agg(number, ',') AS numbers FROM incidents WHERE dedup_key IS NOT NULL GROUP BY dedup_key HAVING count(*) > 1",
  );
  return rows;
}

/** Timeline entries of the SLA engine per incident and kind: what fired, as `NUMBER kind note/data` lines. */
export async function slaTimeline(db: pg.Client): Promise<Array<{ number: string; check_id: string | null; kind: string; data_json: string | null; note: string | null }>> {
  const { rows } = await db.query<{ number: string; check_id: string | null; kind: string; data_json: string | null; note: string | null }>(
    `SELECT i.number, i.check_id, e.kind, e.data_json, e.note FROM incident_events e JOIN incidents i ON i.id = e.incident_id
      WHERE e.kind IN ('escalated', 'sla_warning', 'sla_breach') ORDER BY i.number, e.id`,
  );
  return rows;
}

/** Rows of `incident_sla_fired` (the SLA engine's "fired once" record) per incident number. */
export async function slaFired(db: pg.Client): Promise<Array<{ number: string; kind: string; key: string }>> {
  const { rows } = await db.query<{ number: string; kind: string; key: string }>(
    'SELECT i.number, f.kind, f.key FROM incident_sla_fired f JOIN incidents i ON i.id = f.incident_id ORDER BY i.number, f.kind, f.key',
  );
  return rows;
}

export interface LeaseRow {
  name: string;
  holder: string;
  acquired_at_ms: number;
  renewed_at_ms: number;
  expires_at_ms: number;
}

/** The singleton jobs' leases (`sessions`: the broker sessions' leases `mqtt-session:<client id>` instead). */
export async function leases(db: pg.Client, kind: 'jobs' | 'sessions' = 'jobs'): Promise<LeaseRow[]> {
  const { rows } = await db.query<Record<keyof LeaseRow, string | number>>(
    `SELECT name, holder, acquired_at_ms, renewed_at_ms, expires_at_ms FROM job_leases WHERE ${kind === 'jobs' ? 'NOT ' : ''}starts_with(name, 'mqtt-session:') ORDER BY name`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    holder: String(r.holder),
    acquired_at_ms: Number(r.acquired_at_ms),
    renewed_at_ms: Number(r.renewed_at_ms),
    expires_at_ms: Number(r.expires_at_ms),
  }));
}

/** Seqs in `sent` missing from `applied`, and seqs applied more than once or never sent (the ledger's verdict). */
export function ledger(sent: Iterable<number>, applied: number[]): { missing: number[]; extra: number[] } {
  const want = new Set(sent);
  const seen = new Set<number>();
  const extra: number[] = [];
  for (const s of applied) {
    if (!want.has(s) || seen.has(s)) extra.push(s);
    seen.add(s);
  }
  const missing = [...want].filter((s) => !seen.has(s));
  return { missing, extra };
}

/**
 * The verdict at the end of a pair scenario, once the agents' load has stopped: each agent's results reach the dedupe
 * set (waited for up to `timeoutMs`), every seq the broker acknowledged was applied exactly once (none missing, none
 * twice; the observation log counts each once), and no incident key has two incidents.
 */
export async function expectEachSeqAppliedOnce(db: pg.Client, agents: readonly SimAgent[], timeoutMs: number): Promise<void> {
  // Zero lost: every acknowledged seq of every agent ends up in the dedupe set.
  await vi.waitFor(
    async () => {
      const applied = await appliedSeqs(db);
      for (const agent of agents) expect(applied.get(agent.id)?.length ?? 0).toBeGreaterThanOrEqual(agent.acked.size);
    },
    { timeout: timeoutMs, interval: 1000 },
  );
  const applied = await appliedSeqs(db);
  const observed = await observedCounts(db);
  for (const agent of agents) {
    const verdict = ledger(agent.acked, applied.get(agent.id) ?? []);
    expect({ agent: agent.id, missing: verdict.missing.slice(0, 20), extra: verdict.extra.slice(0, 20) }).toEqual({ agent: agent.id, missing: [], extra: [] });
    // Zero duplicated in the history: the observation log counts each result once.
    expect({ agent: agent.id, observed: observed.get(agent.id) }).toEqual({ agent: agent.id, observed: agent.acked.size });
  }
  expect(await duplicateIncidents(db)).toEqual([]);
}

/**
 * A webhook receiver on 127.0.0.1: every notice body it accepted (answered 200). While `hold` is on it answers nothing:
 * a page held so is not accepted, and one whose sender dies meanwhile (its connection closed) never counts; `hold(false)`
 * answers and counts the held requests still open.
 */
export interface WebhookReceiver {
  url: string;
  bodies: Array<{ kind?: string; detail?: string | null; incident?: { number?: string } }>;
  hold(on: boolean): void;
  /** Requests held now: `open` still connected, `closed` whose sender went away. */
  held(): { open: number; closed: number };
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const bodies: WebhookReceiver['bodies'] = [];
  let holding = false;
  const held: Array<{ body: WebhookReceiver['bodies'][number]; res: ServerResponse; closed: () => boolean }> = [];
  const accept = (body: WebhookReceiver['bodies'][number], res: ServerResponse) => {
    bodies.push(body);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    let closed = false;
    res.on('close', () => (closed = true));
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: WebhookReceiver['bodies'][number];
      try {
        body = JSON.parse(raw) as WebhookReceiver['bodies'][number];
      } catch {
        body = {};
      }
      if (holding) held.push({ body, res, closed: () => closed || res.destroyed });
      else accept(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    hold(on) {
      holding = on;
      if (on) return;
      for (const h of held.splice(0)) if (!h.closed()) accept(h.body, h.res);
    },
    held: () => ({ open: held.filter((h) => !h.closed()).length, closed: held.filter((h) => h.closed()).length }),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Pair {
  dir: string;
  a: CollectorProcess;
  b: CollectorProcess;
  webhook: WebhookReceiver;
}

/** Two collectors' processes (not started) on one store and broker, each its data_dir, client id, API port and holder id. */
export async function makePair(opts: { storeUrl: string; mqttUrl: string; name: string }): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), `outpost-pair-${opts.name}-`));
  const webhook = await startWebhookReceiver();
  const make = async (id: 'a' | 'b') => {
    const apiPort = await freePort();
    const cdir = join(dir, id);
    return new CollectorProcess(id, cdir, apiPort, collectorConfig({ id, dir: cdir, storeUrl: opts.storeUrl, mqttUrl: opts.mqttUrl, apiPort, webhookUrl: webhook.url }));
  };
  return { dir, a: await make('a'), b: await make('b'), webhook };
}

/** Checks as GET /api/v1/checks shows them, reduced to what both collectors must agree on (sorted). */
export interface ApiCheck {
  agent_id: string;
  check_id: string;
  state: string | null;
  since_ms: number | null;
  cause: string | null;
  last_result: { state: string; observed_at_ms: number; received_at_ms: number; message: string };
}

/** A counter's value summed over its label sets, from the collector's /metrics (Prometheus text). */
export async function metric(proc: CollectorProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${proc.apiPort}/metrics`, { signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** An incident as GET /api/v1/incidents lists it, reduced to what is not relative to the instant of the request. */
export function stableIncident(item: Record<string, unknown>): Record<string, unknown> {
  const { sla, ...rest } = item as { sla?: Record<string, unknown> } & Record<string, unknown>;
  const escalation = sla?.escalation as { chain?: string; levels?: Array<Record<string, unknown>> } | null | undefined;
  return {
    ...rest,
    sla: sla
      ? {
          policy: sla.policy,
          contract: sla.contract,
          response_due_at: sla.response_due_at,
          resolution_due_at: sla.resolution_due_at,
          escalation: escalation ? { chain: escalation.chain, levels: (escalation.levels ?? []).map((l) => ({ level: l.level, due_at: l.due_at, fired_at: l.fired_at })) } : null,
        }
      : null,
  };
}

/** Waits until the collector's /healthz is 200 with its PostgreSQL store and broker connection up. */
export async function waitHealthy(proc: CollectorProcess, timeoutMs = 60_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const { status, body } = await proc.health();
      expect({ id: proc.id, status, store: body.store, broker: body.broker }).toEqual({ id: proc.id, status: 200, store: { engine: 'postgres', ok: true }, broker: true });
    },
    { timeout: timeoutMs, interval: 500 },
  );
}

/** Waits until each collector of the pair has taken more than `atLeast` results (`$share` gives each part of every stream). */
export async function waitBothIngesting(pair: Pair, atLeast = 100): Promise<void> {
  await vi.waitFor(
    async () => {
      expect(await metric(pair.a, 'outpost_messages_in_total', { kind: 'results' })).toBeGreaterThan(atLeast);
      expect(await metric(pair.b, 'outpost_messages_in_total', { kind: 'results' })).toBeGreaterThan(atLeast);
    },
    { timeout: 60_000, interval: 500 },
  );
}

/** Waits until every seq the broker had acknowledged to the agents when called is applied in the store. */
export async function expectAckedApplied(db: pg.Client, agents: readonly SimAgent[], timeoutMs: number): Promise<void> {
  const ackedByNow = new Map(agents.map((a) => [a.id, [...a.acked]]));
  await vi.waitFor(
    async () => {
      const applied = await appliedSeqs(db);
      for (const agent of agents) {
        const have = new Set(applied.get(agent.id) ?? []);
        const missing = (ackedByNow.get(agent.id) ?? []).filter((seq) => !have.has(seq));
        expect({ agent: agent.id, missing: missing.slice(0, 20), count: missing.length }).toEqual({ agent: agent.id, missing: [], count: 0 });
      }
    },
    { timeout: timeoutMs, interval: 500 },
  );
}
