/**
 * Reading the latest snapshot time from a backup tool's JSON (pure): restic `snapshots --json` (array of
 * {time}), borg `list --json` ({archives: [{time | start}]}) or any JSON through a jq-like `time_field` path:
 * `.a.b`, `[]` for every element, `[N]` / `[-1]` for one element (`.snapshots[].time`, `[-1].end`).
 */
import { parseTime } from './status-file.js';

export type SnapshotFormat = 'restic' | 'borg' | 'json';

type Step = { kind: 'key'; key: string } | { kind: 'each' } | { kind: 'index'; index: number };

/** Parses a `time_field` path; throws with the offending part. */
export function parseFieldPath(path: string): Step[] {
  const steps: Step[] = [];
  const pattern = /\.?([^.[\]]+)|\[(-?\d*)\]/y;
  let at = 0;
  const text = path.startsWith('.') && path.length > 1 && path[1] === '[' ? path.slice(1) : path;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new Error(`invalid time_field ${JSON.stringify(path)} at ${JSON.stringify(text.slice(at))}`);
    if (match[1] !== undefined) steps.push({ kind: 'key', key: match[1] });
    else if (match[2] === '') steps.push({ kind: 'each' });
    else steps.push({ kind: 'index', index: Number(match[2]) });
    at = pattern.lastIndex;
  }
  if (steps.length === 0) throw new Error('time_field is empty');
  return steps;
}

/** Every value the path reaches (missing keys reach nothing). */
export function selectValues(root: unknown, steps: readonly Step[]): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'key') {
        if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.key)) next.push((value as Record<string, unknown>)[step.key]);
      } else if (Array.isArray(value)) {
        if (step.kind === 'each') next.push(...value);
        else {
          const item = value.at(step.index);
          if (item !== undefined) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

const PATHS: Record<Exclude<SnapshotFormat, 'json'>, string[]> = {
  restic: ['[].time'],
  // borg 1.x lists `time` (start) per archive; `start` on newer versions and `borg info`.
  borg: ['.archives[].time', '.archives[].start'],
};

/**
 * The newest snapshot time in the tool's output, or null when it lists none. Throws (with a message naming
 * the problem) when the output is not JSON or a selected value is not a time.
 */
export function latestSnapshotMs(stdout: string, format: SnapshotFormat, timeField?: string): { latestMs: number | null; count: number } {
  let root: unknown;
  try {
    root = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`output is not JSON: ${(error as Error).message}`);
  }
  const paths = format === 'json' ? [timeField ?? ''] : PATHS[format];
  if (format === 'restic' && !Array.isArray(root)) throw new Error('restic output must be a JSON array of snapshots');
  if (format === 'borg' && !Array.isArray((root as { archives?: unknown } | null)?.archives)) throw new Error('borg output must have an "archives" array');
  let values: unknown[] = [];
  for (const path of paths) {
    values = selectValues(root, parseFieldPath(path));
    if (values.length > 0) break;
  }
  let latestMs: number | null = null;
  for (const value of values) {
    const ms = parseTime(value);
    if (ms === null) throw new Error(`${format === 'json' ? `time_field ${timeField}` : 'snapshot time'}: not a time: ${JSON.stringify(value)?.slice(0, 80)}`);
    latestMs = latestMs === null ? ms : Math.max(latestMs, ms);
  }
  return { latestMs, count: values.length };
}
