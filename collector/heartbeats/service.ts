/**
 * The heartbeat service: keeps definitions (config + API) and their state, turns pings and passed deadlines
 * (collector clock) into results of check type `heartbeat` published as the virtual agent
 * `outpost-heartbeats` through the collector's ingest — the same path agents' results take, so the state
 * history, incidents and availability treat a heartbeat like any check. Tokens are looked up by SHA-256
 * digest (a Map keyed by the digest never compares the secret byte by byte).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../../common/logger.js';
import { PROTOCOL_VERSION, topics, type ResultMessage } from '../../common/protocol.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { Severity } from '../events.js';
import type { HeartbeatConfig } from './config.js';
import { applyPing, newRecord, passDeadlines, type FinishedRun, type PingKind, type Step } from './machine.js';
import { longestGapS, type HeartbeatRule } from './schedule.js';
import { createHeartbeatRepo, type StoredHeartbeat } from './store.js';

export const HEARTBEAT_AGENT_ID = 'outpost-heartbeats';
export const HEARTBEAT_CHECK_TYPE = 'heartbeat';

export interface HeartbeatServiceDeps {
  store: SqlStore;
  logger: Logger;
  now: () => number;
  configured: readonly HeartbeatConfig[];
  /** The collector's ingest entry (`ingest.handle`): resolves once the result is committed. */
  publish(topic: string, payload: Uint8Array): Promise<void>;
  /** The zone of a `schedule` without its own `timezone`: the collector's top-level `timezone` (never the host's). */
  timeZone?: string;
}

export interface NewHeartbeat {
  name: string;
  target: string;
  period?: number;
  schedule?: string;
  timezone?: string;
  grace: number;
  severity?: Severity;
}

export class HeartbeatError extends Error {
  constructor(readonly code: 'not_found' | 'conflict' | 'read_only', message: string) {
    super(message);
    this.name = 'HeartbeatError';
  }
}

export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

function ruleOf(def: { period?: number; schedule?: string; timezone?: string; grace: number }, zone: string | undefined): HeartbeatRule {
  return def.period !== undefined
    ? { kind: 'period', periodMs: def.period, graceMs: def.grace }
    : { kind: 'cron', schedule: def.schedule ?? '', timezone: def.timezone ?? zone, graceMs: def.grace };
}

/** A schedule stored without a zone (older versions) runs in the collector's zone. */
function zoned(hb: StoredHeartbeat, zone: string | undefined): StoredHeartbeat {
  return hb.rule.kind === 'cron' && hb.rule.timezone === undefined ? { ...hb, rule: { ...hb.rule, timezone: zone } } : hb;
}

const sameRule = (a: HeartbeatRule, b: HeartbeatRule) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Loads the stored heartbeats and applies the configured ones before resolving. Pings are looked up in memory;
 * every step is computed from the stored row (locked on PostgreSQL) and written before memory follows, so collectors
 * sharing one PostgreSQL step each heartbeat once; memory is reloaded from the store at every deadline check (a
 * heartbeat created over another collector's API is known here from then on).
 */
export async function createHeartbeatService(deps: HeartbeatServiceDeps) {
  const { store } = deps;
  const repo = createHeartbeatRepo();
  const lock = store.dialect === 'postgres';
  const log = deps.logger.child({ component: 'heartbeats' });
  let byName = new Map<string, StoredHeartbeat>();
  let byDigest = new Map<string, string>();
  let chain: Promise<void> = Promise.resolve();

  await syncConfigured();

  function remember(all: readonly StoredHeartbeat[]): void {
    byName = new Map(all.map((hb) => [hb.name, zoned(hb, deps.timeZone)]));
    byDigest = new Map(all.map((hb) => [hb.tokenSha256, hb.name]));
  }

  /** Config entries replace their stored definitions (keeping state unless the rule changed); removed ones go. */
  async function syncConfigured(): Promise<void> {
    const nowMs = deps.now();
    const wanted = new Set(deps.configured.map((c) => c.name));
    const all = await store.transaction(async (trx) => {
      const stored = new Map((await repo.all(trx, lock)).map((hb) => [hb.name, zoned(hb, deps.timeZone)]));
      for (const hb of [...stored.values()]) {
        if (hb.source === 'config' && !wanted.has(hb.name)) {
          await repo.remove(trx, hb.name);
          stored.delete(hb.name);
        }
      }
      for (const c of deps.configured) {
        const rule = ruleOf(c, deps.timeZone);
        const existing = stored.get(c.name);
        const record = existing && sameRule(existing.rule, rule) ? existing.record : { ...newRecord(rule, nowMs), ...(existing ? keepHistory(existing) : {}) };
        const hb: StoredHeartbeat = { name: c.name, tokenSha256: tokenDigest(c.token), source: 'config', target: c.target, rule, severity: c.severity ?? null, record };
        await repo.save(trx, hb);
        stored.set(hb.name, hb);
      }
      return [...stored.values()];
    });
    remember(all);
  }

  /** When a rule changes, what already happened stays known; only the deadline restarts. */
  function keepHistory(hb: StoredHeartbeat) {
    const { lastPingMs, lastPingKind, lastSuccessMs, lastDurationMs, lastExitCode } = hb.record;
    return { lastPingMs, lastPingKind, lastSuccessMs, lastDurationMs, lastExitCode, status: hb.record.status };
  }

  function publishObservation(hb: StoredHeartbeat, step: Step, seq: number, nowMs: number): Promise<void> {
    const o = step.observation;
    if (!o) return Promise.resolve();
    const message: ResultMessage = {
      v: PROTOCOL_VERSION,
      agent_id: HEARTBEAT_AGENT_ID,
      seq,
      check_id: hb.name,
      check_type: HEARTBEAT_CHECK_TYPE,
      target: hb.target,
      interval_s: longestGapS(hb.rule, nowMs),
      observed_at_ms: Math.min(o.atMs, nowMs),
      sent_at_ms: nowMs,
      duration_ms: 0,
      state: o.state,
      message: o.message,
      code: o.code,
      params: o.params,
      metrics: o.metrics,
    };
    return deps.publish(topics.results(HEARTBEAT_AGENT_ID), Buffer.from(JSON.stringify(message)));
  }

  /**
   * Applies `next` (null: nothing to do) to the heartbeat as stored: the state, the finished run and the result's
   * seq commit together, then memory follows. Returns the publication of its observation (resolves once the ingest
   * committed the result), or null when the heartbeat is gone.
   */
  async function commit(name: string, nowMs: number, next: (hb: StoredHeartbeat) => Step | null): Promise<{ published: Promise<void> } | null> {
    const done = await store.transaction(async (trx) => {
      const stored = await repo.get(trx, name, lock);
      if (!stored) return null;
      const hb = zoned(stored, deps.timeZone);
      const step = next(hb);
      if (!step) return { hb, step: null, seq: 0 };
      const stepped = { ...hb, record: step.record };
      await repo.saveStep(trx, stepped, step.run);
      return { hb: stepped, step, seq: step.observation ? await repo.nextSeq(trx) : 0 };
    });
    if (!done) {
      const gone = byName.get(name);
      byName.delete(name);
      if (gone) byDigest.delete(gone.tokenSha256);
      return null;
    }
    byName.set(name, done.hb);
    if (!done.step) return { published: Promise.resolve() };
    const published = publishObservation(done.hb, done.step, done.seq, nowMs);
    // Awaited later with the others (Promise.all): handled now, so a failure while the next step commits is not
    // reported as unhandled.
    published.catch(() => undefined);
    // Wrapped: an async function's result would otherwise wait for the publication itself.
    return { published };
  }

  /**
   * Serialises work so seqs are handed out in the order results are submitted, and so a read of the in-memory
   * state and the write that follows it never interleave with another change (creates and removals included).
   */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const result = chain.then(work);
    chain = result.then(() => undefined, () => undefined);
    return result;
  }

  /** The step of a passed deadline, or null when none passed (in the stored state: another collector may have stepped it). */
  function deadlineStep(hb: StoredHeartbeat, nowMs: number): Step | null {
    const step = passDeadlines(hb.rule, hb.record, nowMs);
    if (!step.observation) return null;
    log.info({ heartbeat: hb.name, target: hb.target, status: step.record.status }, 'heartbeat deadline passed');
    return step;
  }

  /** Commits every passed deadline, one after another; returns their publications. */
  async function overdue(nowMs: number): Promise<Promise<void>[]> {
    const published: Promise<void>[] = [];
    for (const hb of [...byName.values()]) {
      // Memory says which may be due; the stored state decides.
      if (!passDeadlines(hb.rule, hb.record, nowMs).observation) continue;
      const done = await commit(hb.name, nowMs, (stored) => deadlineStep(stored, nowMs));
      if (done) published.push(done.published);
    }
    return published;
  }

  return {
    /** Applies every passed deadline at the collector's clock (called by a timer; tests call it directly). */
    checkDeadlines(): Promise<void> {
      return serial(async () => {
        // What other collectors created, removed or stepped since (one small read per scan).
        remember(await repo.all(store.db));
        await Promise.all(await overdue(deps.now()));
      });
    },

    /** Whether a ping token belongs to a heartbeat (checked before a ping's body is parsed). */
    knows(token: string): boolean {
      return byDigest.has(tokenDigest(token));
    },

    /** A ping; null when the token is unknown. Resolves after the resulting state (and its result) is committed. */
    ping(token: string, kind: PingKind, exitCode: number | null): Promise<StoredHeartbeat | null> {
      const name = byDigest.get(tokenDigest(token));
      if (name === undefined) return Promise.resolve(null);
      return serial(async () => {
        const nowMs = deps.now();
        const published = await overdue(nowMs); // a ping after a deadline: the lateness is history first
        const effective: PingKind = kind === 'success' && exitCode !== null && exitCode !== 0 ? 'fail' : kind;
        const done = await commit(name, nowMs, (hb) => applyPing(hb.rule, hb.record, effective, nowMs, exitCode));
        if (!done) return null;
        published.push(done.published);
        await Promise.all(published);
        return byName.get(name) ?? null;
      });
    },

    /** Creates a heartbeat through the API; returns it with its generated token (shown once). */
    create(def: NewHeartbeat): Promise<{ heartbeat: StoredHeartbeat; token: string }> {
      return serial(async () => {
        if (byName.has(def.name)) throw new HeartbeatError('conflict', `heartbeat "${def.name}" already exists`);
        const token = randomBytes(24).toString('base64url');
        const rule = ruleOf(def, deps.timeZone);
        const hb: StoredHeartbeat = { name: def.name, tokenSha256: tokenDigest(token), source: 'api', target: def.target, rule, severity: def.severity ?? null, record: newRecord(rule, deps.now()) };
        if (!(await repo.create(store.db, hb))) throw new HeartbeatError('conflict', `heartbeat "${def.name}" already exists`);
        byName.set(hb.name, hb);
        byDigest.set(hb.tokenSha256, hb.name);
        log.info({ heartbeat: hb.name, target: hb.target }, 'heartbeat created');
        return { heartbeat: hb, token };
      });
    },

    /** Deletes an API-created heartbeat (config ones are removed from the config file). */
    remove(name: string): Promise<void> {
      return serial(async () => {
        const hb = byName.get(name);
        if (!hb) throw new HeartbeatError('not_found', `no heartbeat "${name}"`);
        if (hb.source === 'config') throw new HeartbeatError('read_only', `heartbeat "${name}" comes from the config file; remove it there`);
        await repo.remove(store.db, name);
        byName.delete(name);
        byDigest.delete(hb.tokenSha256);
      });
    },

    list(): StoredHeartbeat[] {
      return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    },
    get(name: string): StoredHeartbeat | null {
      return byName.get(name) ?? null;
    },
    recentRuns(name: string, limit = 20): Promise<FinishedRun[]> {
      return repo.recentRuns(store.db, name, limit);
    },
  };
}
export type HeartbeatService = Awaited<ReturnType<typeof createHeartbeatService>>;
