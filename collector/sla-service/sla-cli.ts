/**
 * `outpost sla due|elapsed`: business-time arithmetic on a named calendar, for operators checking a deadline
 * by hand. Built-in calendars (24x7, 5x8, 5x8-0800) work without config; `--config collector.yaml` adds the
 * calendars (and `holiday_data`) of its `sla:` section. Instants without an offset are wall time in the calendar's zone.
 * `outpost sla holidays import FILE.ics --set cn` prints the `sla.holiday_data` block for an iCalendar file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { CliError, type CliIo } from '../../common/cli.js';
import { formatProblems, loadConfigFile } from '../../common/config.js';
import { addBusinessMs, businessMsBetween } from '../sla/business-time.js';
import { calendarWarnings, yearsBetween, type BusinessCalendar } from '../sla/calendar.js';
import { slaConfigSchema, type SlaConfig } from '../sla/config.js';
import { HOLIDAY_SETS } from '../sla/holiday-data.js';
import { createSlaSetup, getCalendar, UnknownNameError } from '../sla/setup.js';
import { parseSlaDuration, resolveSlaDuration } from '../sla/working-days.js';
import { formatZoned, parseInstant } from '../sla/zoned-time.js';
import { holidayYaml, IcsError, importIcs } from './holidays-import.js';

/** Only the `sla:` section is checked here; the collector owns (and checks) the other top-level keys. */
const slaOnlyFileSchema = z.looseObject({ sla: slaConfigSchema });

async function loadSla(io: CliIo, file: string | undefined): Promise<SlaConfig> {
  if (file === undefined) return slaConfigSchema.parse(undefined);
  const path = resolve(io.cwd, file);
  const loaded = await loadConfigFile(path, slaOnlyFileSchema, io.env);
  if (!loaded.ok) {
    const first = loaded.problems[0];
    const more = loaded.problems.length > 1 ? ` (+${loaded.problems.length - 1} more)` : '';
    throw new CliError(`${file}: ${first ? formatProblems([first]).trim().replace(/^- /, '') : 'invalid'}${more}`);
  }
  return loaded.config.sla;
}

async function calendarFor(io: CliIo, name: string, file: string | undefined): Promise<BusinessCalendar> {
  try {
    return getCalendar(createSlaSetup(await loadSla(io, file)), name);
  } catch (error) {
    if (error instanceof UnknownNameError) throw new CliError(error.message);
    throw error;
  }
}

function instant(text: string, option: string, calendar: BusinessCalendar): number {
  const ms = parseInstant(text, calendar.spec.timeZone);
  if (ms === null) throw new CliError(`${option}: invalid ISO 8601 instant ${JSON.stringify(text)} (e.g. 2024-09-30T16:00+08:00)`);
  return ms;
}

function warn(io: CliIo, calendar: BusinessCalendar, fromMs: number, toMs: number): void {
  for (const line of calendarWarnings(calendar, yearsBetween(calendar, fromMs, toMs))) io.stderr.write(`warning: ${line}\n`);
}

interface DueOptions {
  calendar: string;
  start: string;
  duration: string;
  config?: string;
}

interface ElapsedOptions {
  calendar: string;
  from: string;
  to: string;
  config?: string;
}

export function registerSlaCommands(program: Command, io: CliIo, result: { code: number }): void {
  const sla = program.command('sla').description('SLA business-time arithmetic on a calendar');

  sla
    .command('due')
    .description('print the instant a working-time budget runs out (ISO 8601 with the calendar offset)')
    .requiredOption('--calendar <name>', 'calendar name: 24x7, 5x8 (Mon–Fri 09:00–17:30), 5x8-0800 (08:00–17:00) or one from --config')
    .requiredOption('--start <iso>', 'start instant, e.g. 2024-09-30T16:00+08:00 (no offset: calendar time zone)')
    .requiredOption('--duration <duration>', 'working time, e.g. 30m, 4h, 1h30m, 2wd (working days; business calendars), 2d (24x7 only)')
    .option('--config <file>', 'collector config whose sla.calendars section defines more calendars')
    .action(async (opts: DueOptions) => {
      const calendar = await calendarFor(io, opts.calendar, opts.config);
      const startMs = instant(opts.start, '--start', calendar);
      const duration = parseSlaDuration(opts.duration);
      if (duration === null) throw new CliError(`--duration: invalid duration ${JSON.stringify(opts.duration)} (use e.g. 30m, 4h, 2wd)`);
      const durationMs = resolveSlaDuration(duration, calendar.spec);
      if (typeof durationMs === 'string') throw new CliError(`--duration: ${durationMs}`);
      const dueMs = addBusinessMs(calendar, startMs, durationMs);
      if (dueMs === null) throw new CliError(`calendar "${opts.calendar}" has no working time to spend ${opts.duration} in`);
      warn(io, calendar, startMs, dueMs + 1);
      io.stdout.write(`${formatZoned(calendar.spec.timeZone, dueMs)}\n`);
      result.code = 0;
    });

  sla
    .command('elapsed')
    .description('print the working seconds between two instants')
    .requiredOption('--calendar <name>', 'calendar name: 24x7, 5x8, 5x8-0800 or one from --config')
    .requiredOption('--from <iso>', 'start instant (no offset: calendar time zone)')
    .requiredOption('--to <iso>', 'end instant, not before --from')
    .option('--config <file>', 'collector config whose sla.calendars section defines more calendars')
    .action(async (opts: ElapsedOptions) => {
      const calendar = await calendarFor(io, opts.calendar, opts.config);
      const fromMs = instant(opts.from, '--from', calendar);
      const toMs = instant(opts.to, '--to', calendar);
      if (toMs < fromMs) throw new CliError('--to is before --from');
      warn(io, calendar, fromMs, toMs);
      const seconds = businessMsBetween(calendar, fromMs, toMs) / 1000;
      io.stdout.write(`${Number.isInteger(seconds) ? seconds : seconds.toFixed(3)}\n`);
      result.code = 0;
    });

  const holidays = sla.command('holidays').description('holiday data for years the bundled data lacks');
  holidays
    .command('import <file>')
    .description('print the sla.holiday_data YAML block for an iCalendar (.ics) file of public holidays')
    .option('--set <name>', `holiday set the block is for (${HOLIDAY_SETS.join(', ')})`, 'cn')
    .action(async (file: string, opts: { set: string }) => {
      if (!(HOLIDAY_SETS as readonly string[]).includes(opts.set)) throw new CliError(`--set: unknown holiday set "${opts.set}" (known: ${HOLIDAY_SETS.join(', ')})`);
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, file), 'utf8');
      } catch (error) {
        throw new CliError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
      }
      try {
        io.stdout.write(holidayYaml(importIcs(text), opts.set));
      } catch (error) {
        if (error instanceof IcsError) throw new CliError(`${file}: ${error.message}`);
        throw error;
      }
      result.code = 0;
    });
}
