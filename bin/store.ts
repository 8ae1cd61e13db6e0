/**
 * `outpost store backup FILE`: a consistent copy of the running collector's SQLite store (../collector/store/backup.ts),
 * safe while the collector writes; prints the rows per table in the config's language. `--force` overwrites FILE.
 * `outpost store migrate`: see ./store-migrate.ts.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import { formatProblems } from '../common/config.js';
import { formatBytes, type Lang } from '../common/humanize.js';
import { databaseFile, defaultCollectorConfig, validateCollectorConfigFile, type CollectorConfig } from '../collector/config.js';
import { BackupError, backupSqlite, type BackupOutcome } from '../collector/store/backup.js';
import { registerStoreMigrate } from './store-migrate.js';

async function loadConfig(io: CliIo, file: string | undefined): Promise<CollectorConfig> {
  if (file === undefined) return defaultCollectorConfig();
  const loaded = await validateCollectorConfigFile(resolve(io.cwd, file), io.env);
  if (!loaded.ok) throw new CliError(`${file}: ${formatProblems(loaded.problems.slice(0, 1)).trim().replace(/^- /, '')}${loaded.problems.length > 1 ? ` (+${loaded.problems.length - 1} more)` : ''}`);
  return loaded.config;
}

const TEXT: Record<Lang, { done: (o: BackupOutcome) => string; table: string; rows: string }> = {
  'zh-CN': { done: (o) => `已备份到 ${o.file}（${formatBytes(o.bytes)}，完整性检查通过）`, table: '表', rows: '行数' },
  en: { done: (o) => `backed up to ${o.file} (${formatBytes(o.bytes)}, integrity check ok)`, table: 'table', rows: 'rows' },
};

/** The outcome as a person reads it: one line, then the rows per table. */
export function formatBackup(outcome: BackupOutcome, lang: Lang): string {
  const t = TEXT[lang];
  const width = Math.max(t.table.length, ...outcome.tables.map((r) => r.table.length));
  const lines = [t.done(outcome), `${t.table.padEnd(width)}  ${t.rows}`];
  for (const r of outcome.tables) lines.push(`${r.table.padEnd(width)}  ${r.rows}`);
  return `${lines.join('\n')}\n`;
}

export function registerStoreCommands(program: Command, io: CliIo, result: { code: number }): void {
  const store = program.command('store').description('the collector\'s store (backup, migrate to PostgreSQL)');
  store
    .command('backup')
    .description('consistent copy of the SQLite store while the collector runs (online backup API); prints rows per table')
    .argument('<file>', 'where to write the copy')
    .option('--config <file>', 'collector config (its data_dir / store.url locate the database)')
    .option('--force', 'overwrite FILE if it exists')
    .action(async (file: string, opts: { config?: string; force?: boolean }) => {
      const config = await loadConfig(io, opts.config);
      let source: string;
      try {
        source = resolve(io.cwd, databaseFile(config));
      } catch (error) {
        throw new CliError(`${error instanceof Error ? error.message : String(error)} (back up PostgreSQL with pg_dump: docs/ha.md)`);
      }
      try {
        const outcome = await backupSqlite(source, resolve(io.cwd, file), { force: opts.force === true });
        io.stdout.write(formatBackup(outcome, config.lang));
        result.code = 0;
      } catch (error) {
        if (error instanceof BackupError) throw new CliError(error.message);
        throw error;
      }
    });
  registerStoreMigrate(store, io, result, (file) => loadConfig(io, file));
}
