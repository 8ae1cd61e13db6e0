/**
 * `outpost report sla|inspection|fault`: reads the collector's store and config directly (`--config collector.yaml`:
 * its `store.url`, or the SQLite database in its data_dir; safe while the collector runs — SQLite WAL, PostgreSQL
 * MVCC) or, with `--url`, fetches the rendered
 * report from a running collector's /api/v1/reports. Writes it to `--out` (or stdout). A progress bar is drawn on a
 * TTY. Exit 2 with a one-line reason for bad input (unknown contract or incident, a future period, no data).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../../common/cli.js';
import { formatProblems } from '../../common/config.js';
import { createLogger } from '../../common/logger.js';
import { defaultCollectorConfig, storeLocation, validateCollectorConfigFile, type CollectorConfig } from '../config.js';
import { withDefaultContract } from '../sla-service/default-contract.js';
import { openSqlStore, type SqlStore } from '../store/sql/connect.js';
import { describeStoreUrl } from '../store/sql/url.js';
import { fetchReport } from './cli-remote.js';
import { REPORT_FORMATS, REPORT_LANGS, type ReportFormat, type ReportLang, type ReportsConfig } from './config.js';
import { createReportContext, standaloneSla } from './context.js';
import { ReportError } from './errors.js';
import { markFaultReportSent } from './fault-sent.js';
import { createProgress } from './progress.js';
import { createReportStore } from './store.js';
import { createReportService, type ReportRequest } from './service.js';
import { contractNames } from './sla-model.js';

interface CommonOptions {
  config?: string;
  format: string;
  lang?: string;
  out?: string;
  url?: string;
  token?: string;
}

async function loadConfig(io: CliIo, file: string | undefined): Promise<CollectorConfig> {
  if (file === undefined) return defaultCollectorConfig();
  const loaded = await validateCollectorConfigFile(resolve(io.cwd, file), io.env);
  if (!loaded.ok) throw new CliError(`${file}: ${formatProblems(loaded.problems.slice(0, 1)).trim().replace(/^- /, '')}${loaded.problems.length > 1 ? ` (+${loaded.problems.length - 1} more)` : ''}`);
  return loaded.config;
}

/** The `reports:` section when the collector config has one, else the defaults. */
function reportsOf(config: CollectorConfig): ReportsConfig {
  return config.reports;
}

/**
 * Opens the collector's store: the SQLite file (never creating an empty one by reading from the wrong place) or
 * PostgreSQL (a small pool: the CLI runs one query at a time).
 */
async function openStore(io: CliIo, config: CollectorConfig, configFile: string | undefined): Promise<SqlStore> {
  const location = storeLocation(config);
  if (location.kind === 'sqlite') {
    const file = resolve(io.cwd, location.file);
    if (!existsSync(file)) throw new CliError(`no collector database at ${file} (check data_dir${configFile === undefined ? ': pass --config collector.yaml' : ` in ${configFile}`})`);
    return openSqlStore({ kind: 'sqlite', file });
  }
  try {
    return await openSqlStore(location, { poolSize: 2 });
  } catch (error) {
    throw new CliError(`store.url ${describeStoreUrl(location)}: ${(error as Error).message}`);
  }
}

const isDirectory = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

function check<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`${option}: must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

async function run(io: CliIo, opts: CommonOptions, requests: (ctx: Parameters<typeof contractNames>[0]) => ReportRequest[]): Promise<void> {
  const format = check<ReportFormat>(opts.format, REPORT_FORMATS, '--format');
  const lang = opts.lang === undefined ? undefined : check<ReportLang>(opts.lang, REPORT_LANGS, '--lang');
  // On stderr, so a report written to stdout stays clean; drawn only when stderr is a terminal.
  const progress = createProgress(io.stderr as NodeJS.WritableStream & { isTTY?: boolean }, 4);
  // No contract configured: the same `default` contract `outpost up` adds (every target), so its report works.
  const config = withDefaultContract(await loadConfig(io, opts.config)).config;
  const store = await openStore(io, config, opts.config);
  progress.step('loading');
  try {
    const logger = createLogger({ level: 'silent' });
    const sla = await standaloneSla({ store, config, now: Date.now, logger });
    const ctx = createReportContext({ store, config, reports: reportsOf(config), now: Date.now, logger, sla });
    const list = requests(ctx);
    if (list.length > 1 && opts.out === undefined) throw new CliError('several contracts: give --contract NAME, or --out DIR to write one file each');
    progress.step('building');
    const service = createReportService(ctx);
    for (const request of list) {
      const report = await service.generate(request, format, lang);
      progress.step(`rendered ${format}`);
      if (opts.out === undefined) {
        progress.end();
        io.stdout.write(report.body);
        continue;
      }
      const target = resolve(io.cwd, opts.out);
      // --out DIR: the report's own file name inside it (one file per contract).
      const file = list.length > 1 || isDirectory(target) ? join(target, report.filename) : target;
      writeFileSync(file, report.body);
      progress.step('written');
      progress.end();
      io.stderr.write(`${file}: ${report.summary}\n`);
    }
  } catch (error) {
    progress.end();
    if (error instanceof ReportError) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/** `--url` mode: one request to the API, the body written as is. */
async function runRemote(io: CliIo, opts: CommonOptions & { url: string }, path: string, params: Record<string, string | undefined>, fallbackName: string, method: 'GET' | 'POST' = 'GET'): Promise<void> {
  const format = check<ReportFormat>(opts.format, REPORT_FORMATS, '--format');
  if (opts.lang !== undefined) check<ReportLang>(opts.lang, REPORT_LANGS, '--lang');
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, format, lang: opts.lang })) if (v !== undefined) query.set(k, v);
  const report = await fetchReport(io, opts, `${path}?${query.toString()}`, `${fallbackName}.${format}`, method);
  if (opts.out === undefined) {
    io.stdout.write(report.body);
    return;
  }
  const target = resolve(io.cwd, opts.out);
  const file = isDirectory(target) ? join(target, report.filename) : target;
  writeFileSync(file, report.body);
  io.stderr.write(`${file}: ${report.filename}, ${report.body.length} bytes from ${opts.url}\n`);
}

const withUrl = (opts: CommonOptions): opts is CommonOptions & { url: string } => opts.url !== undefined;

/** `report fault N --mark-sent`: through the API with --url, else straight into the collector database. */
async function markSent(io: CliIo, opts: CommonOptions & { by?: string; note?: string }, number: string): Promise<void> {
  const { by, note } = opts;
  if (withUrl(opts)) {
    // The token's name when --by is left at its default.
    const answer = await fetchReport(io, opts, `/fault/${encodeURIComponent(number)}/sent`, 'sent.json', 'POST', { by: by === 'cli' ? undefined : by, note });
    const sent = JSON.parse(answer.body.toString('utf8')) as { recorded?: boolean; sent_by?: string };
    io.stdout.write(`${number}: fault report ${sent.recorded ? 'recorded as sent' : 'was already recorded as sent'}${sent.sent_by ? ` (by ${sent.sent_by})` : ''}\n`);
    return;
  }
  const config = await loadConfig(io, opts.config);
  const store = await openStore(io, config, opts.config);
  try {
    const sent = await markFaultReportSent({ store, reports: createReportStore(), now: Date.now }, number, by ?? 'cli', note);
    io.stdout.write(`${number}: fault report ${sent.recorded ? 'recorded as sent' : 'was already recorded as sent'} (by ${sent.sentBy})\n`);
  } catch (error) {
    if (error instanceof ReportError) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

export function registerReportCommands(program: Command, io: CliIo, result: { code: number }): void {
  const report = program.command('report').description('SLA (monthly), inspection (daily) and fault reports from the collector database');
  const common = (cmd: Command) =>
    cmd
      .option('--config <file>', 'collector config (its data_dir holds outpost.db; sla/incidents/reports sections apply)')
      .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'json')
      .option('--lang <lang>', `one of ${REPORT_LANGS.join(', ')} (default: reports.lang)`)
      .option('--out <file>', 'write here (default: stdout)')
      .option('--url <url>', 'fetch the report from a running collector API instead of reading its database')
      .option('--token <token>', 'with --url: API bearer token, role viewer (default: $OUTPOST_TOKEN)');

  common(report.command('sla').description('monthly SLA report of a contract'))
    .requiredOption('--period <YYYY-MM>', 'calendar month in the contract time zone')
    .option('--contract <name>', 'contract (default: every contract; needs --out DIR when there are several)')
    .action(async (opts: CommonOptions & { period: string; contract?: string }) => {
      if (withUrl(opts)) {
        if (opts.contract === undefined) throw new CliError('--url needs --contract NAME');
        await runRemote(io, opts, '/sla', { period: opts.period, contract: opts.contract }, `sla-${opts.contract}-${opts.period}`);
        result.code = 0;
        return;
      }
      await run(io, opts, (ctx) => contractNames(ctx, opts.contract).map((contract) => ({ kind: 'sla', period: opts.period, contract })));
      result.code = 0;
    });

  common(report.command('inspection').description('daily inspection report (巡检报告)'))
    .requiredOption('--date <YYYY-MM-DD>', 'day in --tz')
    .option('--tz <zone>', 'IANA time zone', 'Asia/Shanghai')
    .action(async (opts: CommonOptions & { date: string; tz: string }) => {
      if (withUrl(opts)) {
        await runRemote(io, opts, '/inspection', { date: opts.date, tz: opts.tz }, `inspection-${opts.date}`);
        result.code = 0;
        return;
      }
      await run(io, opts, () => [{ kind: 'inspection', date: opts.date, timeZone: opts.tz }]);
      result.code = 0;
    });

  common(report.command('fault').description('fault report (故障处理报告) of a resolved incident'))
    .argument('<number>', 'incident number, e.g. INC-20261003-0001')
    .option('--mark-sent', 'record that the fault report went to the customer (timeline; stops the reminder) instead of printing it')
    .option('--by <name>', 'who generates it (recorded as generated; with --url the token name), or with --mark-sent who sent it', 'cli')
    .option('--note <text>', 'with --mark-sent: a remark (e.g. how it was sent)')
    .action(async (number: string, opts: CommonOptions & { by?: string; markSent?: boolean; note?: string }) => {
      if (opts.markSent) {
        await markSent(io, opts, number);
        result.code = 0;
        return;
      }
      if (withUrl(opts)) {
        // POST: the API generates and records it, with the token's name as the author.
        await runRemote(io, opts, `/fault/${encodeURIComponent(number)}`, {}, `fault-${number}`, 'POST');
        result.code = 0;
        return;
      }
      await run(io, opts, () => [{ kind: 'fault', number, by: opts.by }]);
      result.code = 0;
    });

  common(report.command('assets').description('asset verification (资产核查): every agent inventory against the last verified baseline'))
    .option('--mark-verified', 'after the comparison, make the current inventories the new verified baseline')
    .option('--by <name>', 'with --mark-verified: who verified the register (recorded)', 'cli')
    .action(async (opts: CommonOptions & { markVerified?: boolean; by: string }) => {
      if (withUrl(opts)) {
        if (opts.markVerified) throw new CliError('--mark-verified works on the collector database: use --config, not --url');
        await runRemote(io, opts, '/assets', {}, 'assets');
        result.code = 0;
        return;
      }
      await run(io, opts, () => [{ kind: 'assets', ...(opts.markVerified ? { markVerifiedBy: opts.by } : {}) }]);
      result.code = 0;
    });
}
