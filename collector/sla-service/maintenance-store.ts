/**
 * Maintenance windows declared through the API/CLI (table `maintenance_windows`, migration 004). Deleting keeps
 * the row (who/when) so the audit trail of a retroactive window survives; only live rows count.
 * `windows()` joins them with the config windows of the `sla:` section into the engine's MaintenanceWindow list.
 */
import type { MaintenanceSchedule, MaintenanceWindow, SlaSetup } from '../sla/index.js';
import type { Db } from '../store/db.js';

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

interface Row {
  id: number;
  name: string;
  reason: string;
  targets_json: string;
  groups_json: string;
  kind: 'once' | 'rrule' | 'cron';
  start_ms: number | null;
  end_ms: number | null;
  rule: string | null;
  duration_ms: number | null;
  timezone: string;
  retroactive: number;
  created_by: string;
  created_at_ms: number;
  deleted_by: string | null;
  deleted_at_ms: number | null;
}

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

export function createMaintenanceStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO maintenance_windows (name, reason, targets_json, groups_json, kind, start_ms, end_ms, rule, duration_ms, timezone, retroactive, created_by, created_at_ms)
     VALUES (@name, @reason, @targets, @groups, @kind, @start, @end, @rule, @duration, @timezone, @retroactive, @createdBy, @createdAtMs) RETURNING *`,
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM maintenance_windows WHERE id = ?');
  const live = db.prepare<[], Row>('SELECT * FROM maintenance_windows WHERE deleted_at_ms IS NULL ORDER BY id');
  const everything = db.prepare<[], Row>('SELECT * FROM maintenance_windows ORDER BY id');
  const remove = db.prepare('UPDATE maintenance_windows SET deleted_by = ?, deleted_at_ms = ? WHERE id = ? AND deleted_at_ms IS NULL');
  // Live rows change rarely and are read on every incident/availability computation: cache until a write.
  let cache: StoredMaintenance[] | null = null;
  /** Bumped on every add/remove: caches of figures that depend on the windows compare it. */
  let version = 0;

  return {
    add(m: NewMaintenance): StoredMaintenance {
      const s = m.schedule;
      const row = insert.get({
        name: m.name,
        reason: m.reason,
        targets: JSON.stringify(m.targets),
        groups: JSON.stringify(m.groups),
        kind: s.kind,
        start: s.kind === 'once' ? s.startMs : null,
        end: s.kind === 'once' ? s.endMs : null,
        rule: s.kind === 'rrule' ? s.rule : s.kind === 'cron' ? s.pattern : null,
        duration: s.kind === 'once' ? null : s.durationMs,
        timezone: s.kind === 'once' ? 'UTC' : s.timeZone,
        retroactive: m.retroactive ? 1 : 0,
        createdBy: m.createdBy,
        createdAtMs: m.createdAtMs,
      }) as Row;
      cache = null;
      version++;
      return fromRow(row);
    },
    get(id: number): StoredMaintenance | null {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    /** Live windows; with `includeDeleted` the deleted ones too (audit). */
    list(includeDeleted = false): StoredMaintenance[] {
      if (includeDeleted) return everything.all().map(fromRow);
      cache ??= live.all().map(fromRow);
      return cache;
    },
    /** Marks a window deleted; false when it does not exist or was deleted already. */
    remove(id: number, by: string, atMs: number): boolean {
      const changed = remove.run(by, atMs, id).changes > 0;
      if (changed) {
        cache = null;
        version++;
      }
      return changed;
    },
    /** Changes whenever a window is added or removed through this store. */
    version: (): number => version,
    /** Config windows plus live stored ones, as the engine expects them. */
    windows(setup: SlaSetup): MaintenanceWindow[] {
      return [...setup.maintenance, ...this.list().map(toWindow)];
    },
  };
}
export type MaintenanceStore = ReturnType<typeof createMaintenanceStore>;
