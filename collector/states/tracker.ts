/**
 * Turns observations into state intervals. In-order observations extend the observation log and step the
 * per-check machine (O(1)); a late observation (older than the newest one of its check) is inserted into the
 * log and the intervals from the last interval that began before it are re-derived by replaying the log.
 * Must be called inside the ingest batch transaction (`q` = its `trx`), by one batch at a time (the machines
 * cached here are that batch's working state); the returned StateChange is announced after commit.
 *
 * Two collectors on one PostgreSQL (`shared`): both may derive the same check's intervals from results `$share`
 * split between them, so a batch first locks the agents it touches (`lockAgents`: transaction-scoped advisory
 * locks, taken in one global order) and, on its first touch of a check, checks the cached machine against the
 * check's newest stored run, reloading it when the other collector moved on. A row lock on the check's open
 * interval (`SELECT … FOR UPDATE`) would not do: a transition closes that row and inserts the next, so a waiter
 * would wake up to no open interval, and a check without one yet has nothing to lock. On SQLite a transaction is
 * exclusive (BEGIN IMMEDIATE) and one collector owns the file (the data_dir lock): no lock, no re-check.
 */
import { sql } from 'kysely';
import type { StateChange } from '../events.js';
import type { CheckState } from '../../common/protocol.js';
import type { IntervalsRepo, NewInterval, StateInterval } from '../store/sql/intervals-repo.js';
import type { ObservationLogRepo, StoredRun } from '../store/sql/observation-log.js';
import type { Q } from '../store/sql/sql-helpers.js';
import { INITIAL_MACHINE, replayRuns, stepRun, type ConfirmedChange, type MachineState, type ObservationRun } from './machine.js';
import { extendsRun, insertObservation, insideRun } from './runs.js';

export interface CheckMeta {
  agentId: string;
  checkId: string;
  checkType: string;
  target: string;
}

interface TrackedCheck {
  meta: CheckMeta;
  machine: MachineState;
  lastRun: StoredRun | null;
  lastObservedMs: number;
}

export interface StateTrackerDeps {
  intervals: IntervalsRepo;
  log: ObservationLogRepo;
  /** Other collectors may write the same checks (PostgreSQL): lock agents, re-check cached machines per batch. */
  shared?: boolean;
  /** Consecutive results needed before a change, for this check (config by check id, then type, then default). */
  confirmationsFor(meta: CheckMeta): number;
  /**
   * How far back (from now) a late observation may still rewrite history. Older late ones are dropped (and
   * reported): the observation log is pruned beyond this window.
   */
  reorderWindowMs: number;
  now(): number;
  onTooLate?(meta: CheckMeta, run: ObservationRun): void;
}

const EARLIEST = Number.MIN_SAFE_INTEGER;

function machineAfter(interval: StateInterval | null): MachineState {
  if (!interval) return INITIAL_MACHINE;
  return { confirmed: interval.state, confirmedSynthetic: interval.cause !== 'result', pending: null };
}

const sameRun = (a: StoredRun | null, b: StoredRun | null): boolean =>
  a === b || (a !== null && b !== null && a.id === b.id && a.lastMs === b.lastMs && a.count === b.count);

/**
 * Another collector only counted more observations into the run our machine already ended on (same row: rewrites
 * and new runs get new ids), and that run is the machine's settled state with nothing pending: observations agreeing
 * with a confirmed state change nothing, so the machine is still right and only its newest run moves on. The common
 * case under `$share` (a check whose results alternate between two collectors), which then needs no reload.
 */
function onlyExtended(check: TrackedCheck, newest: StoredRun | null): boolean {
  const last = check.lastRun;
  const { machine } = check;
  return (
    newest !== null &&
    last !== null &&
    newest.id === last.id &&
    newest.firstMs === last.firstMs &&
    newest.lastMs >= last.lastMs &&
    newest.count >= last.count &&
    machine.pending === null &&
    machine.confirmed === newest.state &&
    machine.confirmedSynthetic === (newest.cause !== 'result')
  );
}

export function createStateTracker(deps: StateTrackerDeps) {
  const { intervals, log } = deps;
  const shared = deps.shared ?? false;
  const tracked = new Map<string, TrackedCheck>();
  /** Checks whose cached machine was confirmed current in this batch (shared stores only). */
  const verified = new Set<string>();
  /** The newest stored run `verify` read in this batch for checks it found uncached or stale (null: none): `preload` reuses it. */
  const newestRead = new Map<string, StoredRun | null>();

  /** Rebuilds the in-memory machine from the open interval and the runs since it began. */
  async function load(q: Q, meta: CheckMeta, lastRun?: StoredRun | null): Promise<TrackedCheck> {
    const open = await intervals.open(q, meta.agentId, meta.checkId);
    const runs = open ? await log.loadFrom(q, meta.agentId, meta.checkId, open.startMs) : [];
    const { machine } = replayRuns(machineAfter(open), runs, deps.confirmationsFor(meta));
    const last = lastRun === undefined ? await log.last(q, meta.agentId, meta.checkId) : lastRun;
    return { meta, machine, lastRun: last, lastObservedMs: last ? last.lastMs : EARLIEST };
  }

  async function get(q: Q, meta: CheckMeta): Promise<TrackedCheck> {
    const key = `${meta.agentId}\u0000${meta.checkId}`;
    let check = tracked.get(key);
    if (check && shared && !verified.has(key)) {
      // Every observation of a check changes its newest run: unchanged, nobody else observed it since.
      const newest = await log.last(q, meta.agentId, meta.checkId);
      if (onlyExtended(check, newest)) check = { ...check, lastRun: newest, lastObservedMs: newest!.lastMs };
      else if (!sameRun(newest, check.lastRun)) check = await load(q, meta, newest);
    }
    if (!check) check = await load(q, meta);
    tracked.set(key, check);
    if (shared) verified.add(key);
    check.meta = meta;
    return check;
  }

  function toStateChange(meta: CheckMeta, change: Pick<ConfirmedChange, 'atMs' | 'reason' | 'cause' | 'finding'>, from: CheckState | null, to: CheckState): StateChange {
    return { ...meta, from, to, atMs: change.atMs, reason: change.reason, ...(change.finding ? { finding: change.finding } : {}), cause: change.cause };
  }

  async function appendInOrder(q: Q, check: TrackedCheck, run: ObservationRun): Promise<StateChange | null> {
    const { meta } = check;
    check.lastRun = check.lastRun && extendsRun(check.lastRun, run)
      ? log.extend(check.lastRun, run.firstMs)
      : await log.append(q, meta.agentId, meta.checkId, run);
    check.lastObservedMs = run.firstMs;
    const step = stepRun(check.machine, run, deps.confirmationsFor(meta));
    check.machine = step.machine;
    if (!step.change) return null;
    const { change } = step;
    await intervals.transition(q, { ...meta, state: change.to, startMs: change.atMs, endMs: null, reason: change.reason, finding: change.finding ?? null, cause: change.cause });
    return toStateChange(meta, change, change.from, change.to);
  }

  /**
   * A late observation inside the newest run, agreeing with it, while that run is the confirmed state with nothing
   * pending: re-deriving would only add one to the run's count (an interval starts at its streak's first observation,
   * never at an interpolated one, and the run already confirmed its state), so that is all it does. The common late
   * result — `$share` splits one agent's stream between two collectors, and an adopted session delivers a queue of
   * them — then costs no queries instead of a re-derivation.
   */
  function countsInLastRun(check: TrackedCheck, run: ObservationRun): boolean {
    const last = check.lastRun;
    const { machine } = check;
    return run.count === 1 && last !== null && insideRun(last, run) && machine.pending === null && machine.confirmed === last.state && machine.confirmedSynthetic === (last.cause !== 'result');
  }

  async function rederive(q: Q, check: TrackedCheck, run: ObservationRun): Promise<StateChange | null> {
    const { meta } = check;
    const before = check.machine.confirmed;
    const anchor = await intervals.lastBefore(q, meta.agentId, meta.checkId, run.firstMs);
    const fromMs = anchor ? anchor.startMs : EARLIEST;
    const runs = insertObservation(await log.loadFrom(q, meta.agentId, meta.checkId, fromMs), run);
    const stored = await log.replaceFrom(q, meta.agentId, meta.checkId, fromMs, runs);
    const { machine, changes } = replayRuns(machineAfter(anchor), runs, deps.confirmationsFor(meta));
    const next: NewInterval[] = changes.map((c, i) => ({
      ...meta,
      state: c.to,
      startMs: c.atMs,
      endMs: changes[i + 1]?.atMs ?? null,
      reason: c.reason,
      finding: c.finding ?? null,
      cause: c.cause,
    }));
    await intervals.replaceFrom(q, meta.agentId, meta.checkId, anchor ? anchor.startMs + 1 : EARLIEST, anchor, next);
    check.machine = machine;
    check.lastRun = stored[stored.length - 1] ?? check.lastRun;
    const last = changes[changes.length - 1];
    if (!last || machine.confirmed === before || machine.confirmed === null) return null;
    // Only a change of the *current* state is announced; corrections further back are history.
    return toStateChange(meta, last, before, machine.confirmed);
  }

  return {
    /**
     * Shared stores: locks these agents' checks for the rest of the transaction (call first in the batch, with every
     * agent it may touch). One statement; the locks are taken in the order of their keys, the same order in every
     * collector, so two batches wait for each other instead of deadlocking. A no-op otherwise.
     */
    async lockAgents(q: Q, agentIds: Iterable<string>): Promise<void> {
      const ids = [...new Set(agentIds)];
      if (!shared || ids.length === 0) return;
      await sql`SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended('outpost.agent:' || id, 0) AS k FROM unnest(${ids}::text[]) AS t(id) ORDER BY k) AS keys`.execute(q);
    },
    /**
     * Shared stores: re-checks the cached machines of these checks against the store in one query per few hundred
     * (after `lockAgents`), instead of one query per check at its first touch. A stale one is dropped; the newest run
     * read for it (and for uncached ones) is kept for `preload`, which then needs no second read. A no-op otherwise.
     */
    async verify(q: Q, metas: Iterable<CheckMeta>): Promise<void> {
      if (!shared) return;
      // Uncached checks too: `preload` needs their newest run, and one statement serves both.
      const due = new Map<string, CheckMeta>();
      for (const meta of metas) {
        const key = `${meta.agentId}\u0000${meta.checkId}`;
        if (!verified.has(key)) due.set(key, meta);
      }
      if (due.size === 0) return;
      const newest = await log.newest(q, [...due.values()]);
      for (const key of due.keys()) {
        const run = newest.get(key) ?? null;
        const check = tracked.get(key);
        if (check && onlyExtended(check, run)) {
          check.lastRun = run;
          check.lastObservedMs = run!.lastMs;
        }
        if (check && sameRun(run, check.lastRun)) {
          verified.add(key);
          continue;
        }
        tracked.delete(key);
        newestRead.set(key, run);
      }
    },
    /**
     * Loads the machines of these checks that are not cached (after `verify`), a few statements per few hundred checks
     * instead of three queries per check at its first touch: after a restart every check of the fleet is new here
     * (a reconnect storm). Loads exactly what `observe` would load one at a time.
     */
    async preload(q: Q, metas: Iterable<CheckMeta>): Promise<void> {
      const due = new Map<string, CheckMeta>();
      for (const meta of metas) {
        const key = `${meta.agentId}\u0000${meta.checkId}`;
        if (!tracked.has(key)) due.set(key, meta);
      }
      if (due.size === 0) return;
      const checks = [...due.values()];
      const opens = await intervals.openMany(q, checks);
      const since = checks.flatMap((m) => {
        const open = opens.get(`${m.agentId}\u0000${m.checkId}`);
        return open ? [{ agentId: m.agentId, checkId: m.checkId, fromMs: open.startMs }] : [];
      });
      const runs = await log.loadFromMany(q, since);
      const unread = checks.filter((m) => !newestRead.has(`${m.agentId}\u0000${m.checkId}`));
      const newest = unread.length > 0 ? await log.newest(q, unread) : new Map<string, StoredRun>();
      for (const [key, meta] of due) {
        const open = opens.get(key) ?? null;
        const { machine } = replayRuns(machineAfter(open), open ? (runs.get(key) ?? []) : [], deps.confirmationsFor(meta));
        const last = newestRead.has(key) ? (newestRead.get(key) ?? null) : (newest.get(key) ?? null);
        tracked.set(key, { meta, machine, lastRun: last, lastObservedMs: last ? last.lastMs : EARLIEST });
        // Read in this transaction after the agents were locked: current.
        if (shared) verified.add(key);
      }
    },
    /** Applies one observation; returns the change of the check's current confirmed state, if any. */
    async observe(q: Q, meta: CheckMeta, run: ObservationRun): Promise<StateChange | null> {
      const check = await get(q, meta);
      if (run.firstMs >= check.lastObservedMs) return appendInOrder(q, check, run);
      if (run.firstMs < deps.now() - deps.reorderWindowMs) {
        deps.onTooLate?.(meta, run);
        return null;
      }
      if (countsInLastRun(check, run)) {
        check.lastRun = log.extend(check.lastRun!, check.lastRun!.lastMs);
        return null;
      }
      return rederive(q, check, run);
    },
    /** The current confirmed state (null before the first result). */
    async current(q: Q, meta: CheckMeta): Promise<CheckState | null> {
      return (await get(q, meta)).machine.confirmed;
    },
    /** Writes coalesced observation-log updates; call at the end of the batch transaction. */
    async persist(q: Q): Promise<void> {
      await log.persist(q);
      verified.clear();
      newestRead.clear();
    },
    /** Forgets cached machines (after a rolled-back transaction they may be ahead of the database). */
    resetCache(): void {
      tracked.clear();
      verified.clear();
      newestRead.clear();
      log.discard();
    },
  };
}
export type StateTracker = ReturnType<typeof createStateTracker>;
