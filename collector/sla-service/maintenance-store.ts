/**
 * Maintenance windows declared through the API/CLI (table `maintenance_windows`, migration 004). Deleting keeps
 * the row (who/when) so the audit trail of a retroactive window survives; only live rows count.
 * `windows()` joins them with the config windows of the `sla:` section into the engine's MaintenanceWindow list.
 *
 * The live windows are kept in memory (`load`, then refreshed by every add/remove through this store and by
 * `load` again): "is this target in maintenance?" is asked for every state change and never waits for the database.
 * Another collector's edits arrive with the next `load` (the SLA service refreshes periodically).
 */
import type { MaintenanceSchedule, MaintenanceWindow, SlaSetup } from '../sla/index.js';
import type { Selectable } from 'kysely';
import type { MaintenanceWindowsTable } from '../store/sql/schema-sla.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';

export interface StoredMaintenance {
  id: number;
  name: string;
  reason: string;
  targets: string[];
  groups: string[];
  schedule: MaintenanceSchedule;
  retroactive: boolean;
  createdBy: string;
  createdAtMs: number;
  deletedBy: string | null;
  deletedAtMs: number | null;
}

export type NewMaintenance = Omit<StoredMaintenance, 'id' | 'deletedBy' | 'deletedAtMs'>;

type Row = Selectable<MaintenanceWindowsTable>;

function scheduleOf(r: Row): MaintenanceSchedule {
  if (r.kind === 'rrule') return { kind: 'rrule', rule: r.rule ?? '', durationMs: r.duration_ms ?? 0, timeZone: r.timezone };
  if (r.kind === 'cron') return { kind: 'cron', pattern: r.rule ?? '', durationMs: r.duration_ms ?? 0, timeZone: r.timezone };
  return { kind: 'once', startMs: r.start_ms ?? 0, endMs: r.end_ms ?? 0 };
}

const fromRow = (r: Row): StoredMaintenance => ({
  id: r.id,
  name: r.name,
  reason: r.reason,
  targets: JSON.parse(r.targets_json) as string[],
  groups: JSON.parse(r.groups_json) as string[],
  schedule: scheduleOf(r),
  retroactive: r.retroactive === 1,
  createdBy: r.created_by,
  createdAtMs: r.created_at_ms,
  deletedBy: r.deleted_by,
  deletedAtMs: r.deleted_at_ms,
});

/** The engine's view of a stored window (named `#<id> <name>` so config and API windows never clash). */
export function toWindow(m: StoredMaintenance): MaintenanceWindow {
  return { name: `#${m.id} ${m.name}`, targets: m.targets, groups: m.groups, schedule: m.schedule };
}

export function createMaintenanceStore() {
  let live: StoredMaintenance[] | null = null;
  let signature = '';
  /** Bumped whenever the live windows changed: caches of figures that depend on the windows compare it. */
  let version = 0;

  // Reads may finish out of order (a periodic load and an add): only a read begun later than the one shown replaces it.
  let begun = 0;
  let shown = 0;
  const keep = async (q: Q): Promise<void> => {
    const ticket = ++begun;
    const rows = await q.selectFrom('maintenance_windows').selectAll().where('deleted_at_ms', 'is', null).orderBy('id').execute();
    if (ticket < shown) return;
    shown = ticket;
    const next = JSON.stringify(rows);
    if (live !== null && next === signature) return;
    live = rows.map(fromRow);
    signature = next;
    version++;
  };

  return {
    /** Reads the live windows into memory (at start, and again to see other collectors' edits). */
    async load(q: Q): Promise<void> {
      await keep(q);
    },
    async add(q: Q, m: NewMaintenance): Promise<StoredMaintenance> {
      const s = m.schedule;
      const row = await q
        .insertInto('maintenance_windows')
        .values({
          name: m.name,
          reason: m.reason,
          targets_json: JSON.stringify(m.targets),
          groups_json: JSON.stringify(m.groups),
          kind: s.kind,
          start_ms: s.kind === 'once' ? s.startMs : null,
          end_ms: s.kind === 'once' ? s.endMs : null,
          rule: s.kind === 'rrule' ? s.rule : s.kind === 'cron' ? s.pattern : null,
          duration_ms: s.kind === 'once' ? null : s.durationMs,
          timezone: s.kind === 'once' ? 'UTC' : s.timeZone,
          retroactive: m.retroactive ? 1 : 0,
          created_by: m.createdBy,
          created_at_ms: m.createdAtMs,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // Through the same handle: in a caller's transaction the view shows the window at once (a rollback is corrected
      // by the next load).
      await keep(q);
      return fromRow(row);
    },
    async get(q: Q, id: number): Promise<StoredMaintenance | null> {
      const row = await q.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : null;
    },
    /** Live windows (read now; the in-memory view follows); with `includeDeleted` the deleted ones too (audit). */
    async list(q: Q, includeDeleted = false): Promise<StoredMaintenance[]> {
      if (includeDeleted) return (await q.selectFrom('maintenance_windows').selectAll().orderBy('id').execute()).map(fromRow);
      await keep(q);
      return live ?? [];
    },
    /** Marks a window deleted; false when it does not exist or was deleted already. */
    async remove(q: Q, id: number, by: string, atMs: number): Promise<boolean> {
      const result = await q
        .updateTable('maintenance_windows')
        .set({ deleted_by: by, deleted_at_ms: atMs })
        .where('id', '=', id)
        .where('deleted_at_ms', 'is', null)
        .executeTakeFirst();
      await keep(q);
      return changed(result) > 0;
    },
    /** The live windows in memory (no database access); throws before the first `load`. */
    live(): StoredMaintenance[] {
      if (live === null) throw new Error('maintenance windows not loaded: await load(q) (the SLA front door does) before asking for them');
      return live;
    },
    /** Changes whenever the live windows changed (added or removed here, or seen changed by a `load`). */
    version: (): number => version,
    /** Config windows plus live stored ones, as the engine expects them (in memory). */
    windows(setup: SlaSetup): MaintenanceWindow[] {
      return [...setup.maintenance, ...this.live().map(toWindow)];
    },
  };
}
export type MaintenanceStore = ReturnType<typeof createMaintenanceStore>;
