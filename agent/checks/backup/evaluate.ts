/**
 * The backup verdict (pure): freshness against max_age or the schedule, the job's exit code, size against a
 * minimum and against the median of recent backups, zero bytes, the file count. `details.status` is one of
 * never | failed | late | too_small | ok (the first that applies, in that order); every reason is listed.
 */
import { formatDurationMs } from '../../../common/duration.js';
import type { FindingParams } from '../../../common/protocol.js';
import type { Observation } from '../types.js';
import { packFindings } from '../verdict.js';
import { lastExpectedStart, type ScheduleRule } from './schedule.js';
import { median } from './size.js';

export type BackupStatus = 'never' | 'failed' | 'late' | 'too_small' | 'ok';

/** What a source (files, status file, command) found out. */
export interface BackupFacts {
  /** What was inspected, for messages: the glob, the status file, the command. */
  source: string;
  /** Finish time of the latest successful backup; null = never succeeded (or nothing found). */
  lastSuccessMs: number | null;
  /** The latest run failed (non-zero exit code). */
  failure?: { exitCode: number; atMs: number | null };
  /** Why nothing was found, when lastSuccessMs is null (e.g. "no file matches"). */
  neverReason?: string;
  /** Files: size of the newest backup, how many files matched, the newest file's path. */
  sizeBytes?: number;
  fileCount?: number;
  newestPath?: string;
  /** Files: sizes of earlier backups (oldest first, excluding this one). */
  previousSizes?: number[];
}

export interface BackupPolicy {
  maxAgeMs?: number;
  schedule?: ScheduleRule;
  minSizeBytes?: number;
  sizeDropPercent: number;
  minFiles: number;
}

/** Fewer earlier backups than this and the median comparison is skipped (too little to call "normal"). */
export const MIN_HISTORY_FOR_MEDIAN = 3;

const iso = (ms: number) => new Date(ms).toISOString();

export function evaluateBackup(facts: BackupFacts, policy: BackupPolicy, nowMs: number): Observation {
  const reasons: Array<{ status: BackupStatus; text: string; code: string; params: FindingParams }> = [];
  const file = facts.newestPath ?? facts.source;
  const metrics: Record<string, number> = {};
  const details: Record<string, string | number | null> = {};

  if (facts.failure) {
    const at = facts.failure.atMs === null ? '' : ` at ${iso(facts.failure.atMs)}`;
    reasons.push({ status: 'failed', text: `last backup run failed with exit code ${facts.failure.exitCode}${at}`, code: 'backup.failed', params: { exit_code: facts.failure.exitCode, ago_s: facts.failure.atMs === null ? null : Math.round(Math.max(0, nowMs - facts.failure.atMs) / 1000) } });
    metrics.exit_code = facts.failure.exitCode;
  }
  if (facts.lastSuccessMs === null) {
    reasons.push({ status: 'never', text: `no successful backup: ${facts.neverReason ?? 'never succeeded'}`, code: 'backup.never', params: { reason: facts.neverReason ?? 'never succeeded', source: facts.source } });
  } else {
    const ageMs = Math.max(0, nowMs - facts.lastSuccessMs);
    metrics.age_s = Math.round(ageMs / 1000);
    details.last_success = iso(facts.lastSuccessMs);
    const late = lateness(facts.lastSuccessMs, ageMs, policy, nowMs, details);
    if (late) reasons.push({ status: 'late', ...late });
  }

  if (facts.sizeBytes !== undefined) {
    metrics.size_bytes = facts.sizeBytes;
    const previous = facts.previousSizes ?? [];
    const typical = previous.length >= MIN_HISTORY_FOR_MEDIAN ? median(previous) : null;
    if (typical !== null) metrics.size_median_bytes = typical;
    if (facts.sizeBytes === 0) reasons.push({ status: 'too_small', text: 'backup is empty (0 bytes)', code: 'backup.empty', params: { file } });
    else if (policy.minSizeBytes !== undefined && facts.sizeBytes < policy.minSizeBytes) {
      reasons.push({ status: 'too_small', text: `backup size ${facts.sizeBytes} B < min_size ${policy.minSizeBytes} B`, code: 'backup.below_min_size', params: { file, size: facts.sizeBytes, min_size: policy.minSizeBytes } });
    } else if (typical !== null && policy.sizeDropPercent > 0 && facts.sizeBytes < (typical * policy.sizeDropPercent) / 100) {
      const percent = Math.round((facts.sizeBytes / typical) * 1000) / 10;
      reasons.push({
        status: 'too_small',
        text: `backup size ${facts.sizeBytes} B is ${percent}% of the median ${typical} B of the last ${previous.length} (< ${policy.sizeDropPercent}%)`,
        code: 'backup.too_small',
        params: { file, size: facts.sizeBytes, median: typical, percent, drop_percent: policy.sizeDropPercent, count: previous.length },
      });
    }
  }
  if (facts.fileCount !== undefined) {
    metrics.file_count = facts.fileCount;
    if (facts.fileCount > 0 && facts.fileCount < policy.minFiles) {
      reasons.push({ status: 'too_small', text: `${facts.fileCount} files match, expected at least ${policy.minFiles}`, code: 'backup.too_few_files', params: { count: facts.fileCount, min_files: policy.minFiles, source: facts.source } });
    }
  }
  if (facts.newestPath !== undefined) details.newest_file = facts.newestPath;

  const order: BackupStatus[] = ['never', 'failed', 'late', 'too_small'];
  const status = order.find((s) => reasons.some((r) => r.status === s)) ?? 'ok';
  details.status = status;
  const message = status === 'ok'
    ? `backup ok: last success ${formatDurationMs((metrics.age_s ?? 0) * 1000)} ago${facts.sizeBytes !== undefined ? `, ${facts.sizeBytes} B` : ''} (${facts.source})`
    : `${reasons.map((r) => r.text).join('; ')} (${facts.source})`;
  const { code, params } = packFindings(
    status === 'ok' ? [{ code: 'backup.ok', params: { age_s: metrics.age_s ?? 0, size: facts.sizeBytes ?? null, source: facts.source } }] : reasons,
  );
  return { state: status === 'ok' ? 'ok' : 'crit', message: message.slice(0, 2000), code, params, metrics, details };
}

/** The "late" reason, or null when the last success is recent enough. */
function lateness(
  lastMs: number,
  ageMs: number,
  policy: BackupPolicy,
  nowMs: number,
  details: Record<string, string | number | null>,
): { text: string; code: string; params: FindingParams } | null {
  const age_s = Math.round(ageMs / 1000);
  if (policy.maxAgeMs !== undefined) {
    if (ageMs <= policy.maxAgeMs) return null;
    return { text: `last success ${formatDurationMs(ageMs)} ago (${iso(lastMs)}) > max_age ${formatDurationMs(policy.maxAgeMs)}`, code: 'backup.late', params: { age_s, max_age_s: Math.round(policy.maxAgeMs / 1000) } };
  }
  if (!policy.schedule) return null;
  const expected = lastExpectedStart(policy.schedule, nowMs);
  if (expected === null) return null;
  details.expected_since = iso(expected);
  if (lastMs >= expected) return null;
  return {
    text: `last success ${formatDurationMs(ageMs)} ago (${iso(lastMs)}); the run scheduled at ${iso(expected)} (${policy.schedule.cron}${policy.schedule.timezone ? ` ${policy.schedule.timezone}` : ''}, grace ${formatDurationMs(policy.schedule.graceMs)}) has not produced one`,
    code: 'backup.missed_schedule',
    params: { age_s, cron: policy.schedule.cron, expected_ago_s: Math.round(Math.max(0, nowMs - expected) / 1000), grace_s: Math.round(policy.schedule.graceMs / 1000) },
  };
}
