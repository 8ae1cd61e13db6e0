/**
 * `backup`: is the latest backup there, recent, complete and plausibly sized? Three sources — backup files
 * (newest file matching a glob), a status file written by the job, or a command listing snapshots (restic,
 * borg, any JSON) — judged by one pure verdict (backup/evaluate.ts). A missing or late backup is a crit
 * result; a broken check (bad glob directory permissions, tool not installed) throws and the runner says unknown.
 */
import { join } from 'node:path';
import { defineCheck } from '../types.js';
import type { CheckDeps, CheckInstance, Observation } from '../types.js';
import { backupSpec, type BackupConfig } from './config.js';
import { runCommand } from './command.js';
import { evaluateBackup, type BackupFacts, type BackupPolicy } from './evaluate.js';
import { findMatches } from './glob.js';
import { latestSnapshotMs, type SnapshotFormat } from './snapshots.js';
import { loadSizeHistory, recordSize, seedSizeHistory } from './size.js';
import { MIN_HISTORY_FOR_MEDIAN } from './evaluate.js';
import { readStatusFile } from './status-file.js';

/** 10 % of the timeout (50 ms … 1 s) is left to kill the command's group and report. */
export function commandDeadlineMs(timeoutMs: number): number {
  return Math.max(50, timeoutMs - Math.min(1000, Math.max(50, timeoutMs * 0.1)));
}

export function policyOf(cfg: BackupConfig): BackupPolicy {
  return {
    ...(cfg.max_age !== undefined ? { maxAgeMs: cfg.max_age } : {}),
    ...(cfg.schedule !== undefined ? { schedule: { cron: cfg.schedule, timezone: cfg.timezone, graceMs: cfg.grace } } : {}),
    ...(cfg.min_size !== undefined ? { minSizeBytes: cfg.min_size } : {}),
    sizeDropPercent: cfg.size_drop_percent,
    minFiles: cfg.min_files,
  };
}

/** A crit result for a source whose output cannot be read (bad status file, unparsable tool output). */
function invalid(problem: string): Observation {
  return { state: 'crit', message: problem.slice(0, 2000), code: 'backup.unreadable', params: { problem: problem.slice(0, 500) }, metrics: {}, details: { status: 'failed' } };
}

export function createBackupInstance(cfg: BackupConfig, deps: CheckDeps): CheckInstance {
  const policy = policyOf(cfg);
  const historyFile = join(deps.stateDir, 'backup-size-history.json');
  const format: SnapshotFormat = cfg.format ?? (cfg.time_field !== undefined ? 'json' : 'restic');

  async function fileFacts(pattern: string): Promise<BackupFacts> {
    const files = await findMatches(pattern);
    if (files.length === 0) return { source: pattern, lastSuccessMs: null, neverReason: 'no file matches', fileCount: 0 };
    const newest = files.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
    const keyOf = (f: { path: string; mtimeMs: number }): string => `${f.path}@${Math.round(f.mtimeMs)}`;
    const key = keyOf(newest);
    let history = await loadSizeHistory(historyFile);
    if (history.filter((h) => h.key !== key).length < MIN_HISTORY_FOR_MEDIAN) {
      // first runs: the backups already on disk are the history, so a truncated newest file is caught at once
      const older = files.filter((f) => f !== newest).sort((a, b) => a.mtimeMs - b.mtimeMs).slice(-cfg.size_history);
      history = seedSizeHistory(history, older.map((f) => ({ key: keyOf(f), sizeBytes: f.sizeBytes })));
    }
    const previous = history.filter((h) => h.key !== key).map((h) => h.sizeBytes);
    try {
      await recordSize(historyFile, history, { key, sizeBytes: newest.sizeBytes }, cfg.size_history + 1);
    } catch (error) {
      deps.logger.warn({ err: error, file: historyFile }, 'backup size history not saved');
    }
    return {
      source: pattern,
      lastSuccessMs: Math.round(newest.mtimeMs),
      sizeBytes: newest.sizeBytes,
      fileCount: files.length,
      newestPath: newest.path,
      previousSizes: previous.slice(-cfg.size_history),
    };
  }

  async function commandFacts(argv: string[], signal: AbortSignal): Promise<BackupFacts | Observation> {
    const source = argv.join(' ').slice(0, 200);
    // the command's own deadline, a little before the runner's: a hung tool is a failed backup check (crit), said so
    const deadlineMs = commandDeadlineMs(deps.timeoutMs ?? 10_000);
    const deadline = AbortSignal.timeout(deadlineMs);
    let output;
    try {
      output = await runCommand(argv, cfg.env, AbortSignal.any([signal, deadline]));
    } catch (error) {
      if (signal.aborted || !deadline.aborted) throw error;
      const seconds = deadlineMs / 1000;
      return {
        state: 'crit',
        message: `${source} did not finish within ${seconds}s and was killed with its process group`.slice(0, 2000),
        code: 'backup.command_timeout',
        params: { command: source, seconds },
        metrics: {},
        details: { status: 'failed' },
      };
    }
    if (output.exitCode !== 0) {
      const how = output.exitCode === null ? `was killed by ${output.signal}` : `exited with code ${output.exitCode}`;
      return {
        state: 'crit',
        message: `${source} ${how}${output.stderrTail ? `: ${output.stderrTail}` : ''}`.slice(0, 2000),
        code: 'backup.command_failed',
        params: { command: source, exit_code: output.exitCode, signal: output.signal, stderr: output.stderrTail.slice(0, 500) },
        metrics: { exit_code: output.exitCode ?? -1 },
        details: { status: 'failed' },
      };
    }
    try {
      const { latestMs, count } = latestSnapshotMs(output.stdout, format, cfg.time_field);
      return latestMs === null ? { source, lastSuccessMs: null, neverReason: 'the repository lists no snapshot' } : { source: `${source}: ${count} snapshots`, lastSuccessMs: latestMs };
    } catch (error) {
      return invalid(`cannot read the output of ${source}: ${(error as Error).message}`);
    }
  }

  return {
    async run(signal): Promise<Observation> {
      let facts: BackupFacts | Observation;
      if (cfg.path !== undefined) facts = await fileFacts(cfg.path);
      else if (cfg.status_file !== undefined) {
        const read = await readStatusFile(cfg.status_file);
        facts = read.kind === 'facts' ? read.facts : invalid(read.problem);
      } else facts = await commandFacts(cfg.command ?? [], signal);
      if ('state' in facts) return facts;
      return evaluateBackup(facts, policy, deps.now());
    },
  };
}

export const backupCheck = defineCheck({
  ...backupSpec,
  create: (cfg, deps) => createBackupInstance(cfg, deps),
});
