/**
 * Status files written by backup jobs: JSON `{"exit_code":0,"finished_at":"2024-05-10T03:12:00Z"}` or `key=value`
 * lines (`exit_code=0`, `finished_at=...`; `#` comments). Optional `last_success_at` says when the job last
 * succeeded, so a failed run still shows the age of the last good backup. Times: ISO 8601 or epoch seconds.
 * Parsing is pure; problems name the field.
 */
import { readFile } from 'node:fs/promises';
import type { BackupFacts } from './evaluate.js';

/** ISO 8601 text or epoch seconds (number or digits). */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Field readers: each returns the value or a problem naming the field. */
function readExitCode(raw: Record<string, unknown>): number | string {
  const value = raw.exit_code;
  if (value === undefined) return 'exit_code: missing';
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : `exit_code: must be an integer, got ${JSON.stringify(value)?.slice(0, 80)}`;
}

function readTime(raw: Record<string, unknown>, key: string, required: boolean): number | string | undefined {
  const value = raw[key];
  if (value === undefined) return required ? `${key}: missing` : undefined;
  return parseTime(value) ?? `${key}: not a time: ${JSON.stringify(value)?.slice(0, 80)} (ISO 8601 or epoch seconds)`;
}

export interface StatusRecord {
  exitCode: number;
  finishedAtMs: number;
  lastSuccessAtMs?: number;
}

/** Parses the file's text; returns the record or a message naming what is wrong. */
export function parseStatusText(text: string): { ok: true; record: StatusRecord } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'file is empty' };
  let raw: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      return { ok: false, problem: `invalid JSON: ${(error as Error).message}` };
    }
  } else {
    const entries: Record<string, string> = {};
    for (const [index, line] of trimmed.split(/\r?\n/).entries()) {
      const clean = line.trim();
      if (clean === '' || clean.startsWith('#')) continue;
      const eq = clean.indexOf('=');
      if (eq <= 0) return { ok: false, problem: `line ${index + 1}: expected key=value, got ${JSON.stringify(clean.slice(0, 80))}` };
      entries[clean.slice(0, eq).trim()] = clean.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    raw = entries;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: 'expected a JSON object' };
  const fields = raw as Record<string, unknown>;
  const exitCode = readExitCode(fields);
  const finishedAt = readTime(fields, 'finished_at', true);
  const lastSuccessAt = readTime(fields, 'last_success_at', false);
  const problems = [exitCode, finishedAt, lastSuccessAt].filter((v): v is string => typeof v === 'string');
  if (problems.length > 0 || typeof exitCode !== 'number' || typeof finishedAt !== 'number') return { ok: false, problem: problems.join('; ') };
  return { ok: true, record: { exitCode, finishedAtMs: finishedAt, ...(typeof lastSuccessAt === 'number' ? { lastSuccessAtMs: lastSuccessAt } : {}) } };
}

/** What the status file says, as facts; a bad file is reported as a failure-like problem (thrown text). */
export function statusFacts(file: string, record: StatusRecord): BackupFacts {
  if (record.exitCode === 0) return { source: file, lastSuccessMs: record.finishedAtMs };
  return {
    source: file,
    lastSuccessMs: record.lastSuccessAtMs ?? null,
    neverReason: 'the status file records no successful run',
    failure: { exitCode: record.exitCode, atMs: record.finishedAtMs },
  };
}

export type StatusRead = { kind: 'facts'; facts: BackupFacts } | { kind: 'invalid'; problem: string };

/** Reads the status file: missing = never succeeded; unreadable or bad content = invalid with the reason. */
export async function readStatusFile(file: string): Promise<StatusRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'facts', facts: { source: file, lastSuccessMs: null, neverReason: 'status file does not exist' } };
    return { kind: 'invalid', problem: `cannot read status file ${file}: ${code ?? (error as Error).message}` };
  }
  const parsed = parseStatusText(text);
  if (!parsed.ok) return { kind: 'invalid', problem: `invalid status file ${file}: ${parsed.problem}` };
  return { kind: 'facts', facts: statusFacts(file, parsed.record) };
}
