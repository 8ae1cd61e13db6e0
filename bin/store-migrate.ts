/**
 * `outpost store migrate --from sqlite:PATH --to postgres://…`: moves a stopped installation's SQLite store into an
 * empty PostgreSQL database (../collector/store/migrate-store/migrate.ts), prints rows and time per table in the
 * config's language and exits non-zero unless every table verified. The URL is only ever printed redacted.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import type { Lang } from '../common/humanize.js';
import type { CollectorConfig } from '../collector/config.js';
import { MigrateStoreError, migrateStore, type MigrateOutcome } from '../collector/store/migrate-store/migrate.js';

interface Text {
  done: (o: MigrateOutcome) => string;
  dry: (o: MigrateOutcome) => string;
  failed: (o: MigrateOutcome) => string;
  head: [string, string, string, string];
  ok: string;
  seconds: string;
  total: string;
}

const TEXT: Record<Lang, Text> = {
  'zh-CN': {
    done: (o) => `已从 ${o.source} 迁移到 ${o.target}，各表行数与校验和一致`,
    dry: (o) => `试运行：${o.source} → ${o.target}，检查全部通过，所有值均可转换（未写入任何数据）`,
    failed: (o) => `${o.source} → ${o.target}：校验不一致，已回滚，目标库未写入任何数据`,
    head: ['表', '行数', '用时', '校验'],
    ok: '一致',
    seconds: '秒',
    total: '合计',
  },
  en: {
    done: (o) => `migrated ${o.source} to ${o.target}: row counts and checksums agree for every table`,
    dry: (o) => `dry run: ${o.source} → ${o.target}: every check passed and every value converts (nothing written)`,
    failed: (o) => `${o.source} → ${o.target}: verification failed, rolled back: nothing was written to the target`,
    head: ['table', 'rows', 'time', 'check'],
    ok: 'ok',
    seconds: 's',
    total: 'total',
  },
};

/** Terminal columns of a text: CJK and full-width characters take two (so 表/行数 line up with ASCII rows). */
function width(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
const padEnd = (text: string, to: number): string => text + ' '.repeat(Math.max(0, to - width(text)));
const padStart = (text: string, to: number): string => ' '.repeat(Math.max(0, to - width(text))) + text;

/** The outcome as a person reads it: one line, then rows, time and verification per table, then the total. */
export function formatMigrate(outcome: MigrateOutcome, lang: Lang): string {
  const t = TEXT[lang];
  const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} ${t.seconds}`;
  const rows: string[][] = outcome.tables.map((r) => [r.table, String(r.rows), secs(r.ms), outcome.dryRun ? '-' : (r.mismatch ?? t.ok)]);
  rows.push([t.total, String(outcome.tables.reduce((n, r) => n + r.rows, 0)), secs(outcome.tables.reduce((n, r) => n + r.ms, 0)), '']);
  const all = [t.head, ...rows];
  const col = (i: number): number => Math.max(...all.map((r) => width(r[i] ?? '')));
  const line = (r: readonly string[]): string => [padEnd(r[0] ?? '', col(0)), padStart(r[1] ?? '', col(1)), padStart(r[2] ?? '', col(2)), r[3] ?? ''].join('  ').trimEnd();
  const first = outcome.dryRun ? t.dry(outcome) : outcome.ok ? t.done(outcome) : t.failed(outcome);
  return `${[first, line(t.head), ...rows.map(line)].join('\n')}\n`;
}

const HELP = `
Moves the collector's SQLite store into an empty PostgreSQL database, then verifies it.

  1. Stop the collector (the source must not be in use: its data_dir lock and a busy -wal are refused).
  2. The source must be at this release's last migration (start this release's collector on it once if not).
  3. The target is migrated like a collector would, and must hold no rows.
  4. Every table is copied parents first, in batches, with its ids, in ONE transaction; row counts, key sums and
     text lengths are compared per table and the id sequences set past the highest id before it commits.
     Any problem (a value PostgreSQL cannot hold, a mismatch) rolls everything back.
  5. Point store.url at the database and start the collector (docs/ha.md, "Moving an installation to PostgreSQL").

Examples:
  outpost store migrate --from sqlite:/var/lib/outpost/outpost.db --to postgres://outpost:PASSWORD@db1:5432/outpost --dry-run
  outpost store migrate --from sqlite:/var/lib/outpost/outpost.db --to "postgres://outpost:\${OUTPOST_PG_PASSWORD}@db1:5432/outpost"

The password is never printed. Exit 0: copied and verified (or dry run passed); 1: verification failed; 2: refused.
`;

export function registerStoreMigrate(store: Command, io: CliIo, result: { code: number }, loadConfig: (file: string | undefined) => Promise<CollectorConfig>): void {
  store
    .command('migrate')
    .description('move the SQLite store into an empty PostgreSQL database, in one verified transaction')
    .requiredOption('--from <url>', 'the SQLite store: sqlite:PATH (the collector must be stopped)')
    .requiredOption('--to <url>', 'the empty target: postgres://USER:PASSWORD@HOST:PORT/DATABASE')
    .option('--dry-run', 'run every check, convert and count every row, write nothing')
    .option('--batch-rows <n>', 'rows per INSERT', '5000')
    .option('--config <file>', 'collector config: its lang, and its data_dir must not be in use either')
    .addHelpText('after', HELP)
    .action(async (opts: { from: string; to: string; dryRun?: boolean; batchRows: string; config?: string }) => {
      const config = await loadConfig(opts.config);
      const from = opts.from.startsWith('sqlite:') ? `sqlite:${resolve(io.cwd, opts.from.slice('sqlite:'.length))}` : opts.from;
      let outcome: MigrateOutcome;
      try {
        outcome = await migrateStore({
          from,
          to: opts.to,
          dryRun: opts.dryRun === true,
          batchRows: /^\d+$/.test(opts.batchRows) ? Number(opts.batchRows) : Number.NaN,
          dataDirs: opts.config === undefined ? [] : [resolve(io.cwd, config.data_dir)],
        });
      } catch (error) {
        if (error instanceof MigrateStoreError) throw new CliError(error.message);
        throw error;
      }
      io.stdout.write(formatMigrate(outcome, config.lang));
      result.code = outcome.ok ? 0 : 1;
    });
}
