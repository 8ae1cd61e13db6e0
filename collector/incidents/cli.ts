/**
 * `outpost incident list|show|create|ack|resolve|note|close|evaluate|reopen|extend` — talks to a running collector's REST API
 * (--url, default http://127.0.0.1:8080; --token or OUTPOST_TOKEN). Exit 0 on success, 2 on bad input (a 400 or
 * a missing token), 1 on any other failure, always with a one-line reason.
 */
import type { Command } from 'commander';
import { CliError, type CliIo } from '../../common/cli.js';
import { createIncidentsClient, IncidentsApiError, type IncidentDetailJson, type IncidentsClient } from './client.js';
import { formatIncidentDetail, formatIncidentList } from './format.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

interface ConnectionOptions {
  url: string;
  token?: string;
  json?: boolean;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'collector API base URL', DEFAULT_API_URL)
    .option('--token <token>', 'API bearer token (default: $OUTPOST_TOKEN)')
    .option('--json', 'print the API response as JSON');
}

function reasonOf(error: IncidentsApiError): string {
  const details = error.details.map((d) => [d.field, d.message].filter(Boolean).join(': ')).filter(Boolean);
  const status = error.status ? `${error.status} ` : '';
  return `${status}${error.message}${details.length ? ` (${details.join('; ')})` : ''}`;
}

function parseScore(text: string): number {
  const score = Number(text);
  if (!/^\d{1,3}$/.test(text) || score > 100) throw new CliError(`--score must be a whole number 0-100, got "${text}"`);
  return score;
}

export function registerIncidentCommands(program: Command, io: CliIo, result: { code: number }): void {
  const incident = program.command('incident').description('incident tickets on a running collector (REST API)');

  function clientFor(opts: ConnectionOptions): IncidentsClient {
    const token = opts.token ?? io.env.OUTPOST_TOKEN;
    if (!token) throw new CliError('no API token: pass --token or set OUTPOST_TOKEN');
    return createIncidentsClient({ url: opts.url, token });
  }

  /** Runs one API call; API failures become a one-line CliError (exit 2 for rejected input, else 1). */
  async function run<T>(opts: ConnectionOptions, call: (client: IncidentsClient) => Promise<T>, print: (value: T) => string): Promise<void> {
    const client = clientFor(opts);
    let value: T;
    try {
      value = await call(client);
    } catch (error) {
      if (error instanceof IncidentsApiError) throw new CliError(reasonOf(error), error.status === 400 ? 2 : 1);
      throw error;
    }
    io.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : print(value));
    result.code = 0;
  }

  const detail = (d: IncidentDetailJson) => formatIncidentDetail(d);

  withConnection(incident.command('list'))
    .description('list incidents, newest first')
    .option('--status <list>', 'open, acknowledged, resolved, closed (comma-separated)')
    .option('--severity <list>', 'P1..P4 (comma-separated)')
    .option('--target <name>', 'only this target')
    .option('--from <time>', 'opened at or after (ISO 8601 or epoch ms)')
    .option('--to <time>', 'opened before (ISO 8601 or epoch ms)')
    .option('--limit <n>', 'page size (1-500)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (opts: ConnectionOptions & Record<'status' | 'severity' | 'target' | 'from' | 'to' | 'limit' | 'offset', string | undefined>) => {
      const { status, severity, target, from, to, limit, offset } = opts;
      await run(opts, (c) => c.list({ status, severity, target, from, to, limit, offset }), formatIncidentList);
    });

  withConnection(incident.command('show <number>'))
    .description('one incident with its timeline')
    .action(async (number: string, opts: ConnectionOptions) => {
      await run(opts, (c) => c.show(number), detail);
    });

  withConnection(incident.command('create'))
    .description('open a manual ticket (e.g. a hotline call); prints its number')
    .requiredOption('--title <text>', 'what is wrong')
    .requiredOption('--severity <P1-P4>', 'P1 紧急 · P2 高 · P3 中 · P4 低')
    .option('--description <text>', 'details')
    .option('--target <name>', 'affected target')
    .option('--check <id>', 'affected check')
    .option('--reporter <name>', 'who reported it')
    .option('--started-at <time>', 'when the problem began (ISO 8601)')
    .option('--by <name>', 'who is opening it (default: the token name)')
    .action(async (opts: ConnectionOptions & Record<'title' | 'severity', string> & Partial<Record<'description' | 'target' | 'check' | 'reporter' | 'startedAt' | 'by', string>>) => {
      const body = {
        title: opts.title,
        severity: opts.severity,
        description: opts.description,
        target: opts.target,
        check_id: opts.check,
        reporter: opts.reporter,
        started_at: opts.startedAt,
        by: opts.by,
      };
      await run(opts, (c) => c.create(body), (d) => `${d.number}\n`);
    });

  withConnection(incident.command('ack <number>'))
    .description('acknowledge: a named person takes it')
    .option('--by <name>', 'who acknowledges (default: the token name)')
    .option('--note <text>', 'a remark for the timeline')
    .action(async (number: string, opts: ConnectionOptions & { by?: string; note?: string }) => {
      await run(opts, (c) => c.ack(number, { by: opts.by, note: opts.note }), detail);
    });

  withConnection(incident.command('resolve <number>'))
    .description('resolve with cause and resolution (they go into the fault report)')
    .requiredOption('--cause <text>', 'root cause')
    .requiredOption('--resolution <text>', 'what was done')
    .option('--by <name>', 'who resolved it (default: the token name)')
    .action(async (number: string, opts: ConnectionOptions & { cause: string; resolution: string; by?: string }) => {
      await run(opts, (c) => c.resolve(number, { by: opts.by, cause: opts.cause, resolution: opts.resolution }), detail);
    });

  withConnection(incident.command('note <number> <text...>'))
    .description('add a note to the timeline')
    .option('--by <name>', 'author (default: the token name)')
    .action(async (number: string, words: string[], opts: ConnectionOptions & { by?: string }) => {
      await run(opts, (c) => c.note(number, { by: opts.by, text: words.join(' ') }), detail);
    });

  withConnection(incident.command('extend <number>'))
    .description("extend the resolution time with the customer's consent (severities the SLA policy lists under extensions)")
    .requiredOption('--for <duration>', 'working time to add, e.g. 4h')
    .requiredOption('--approved-by <name>', 'the customer representative who agreed')
    .requiredOption('--reason <text>', 'why more time is needed')
    .option('--by <name>', 'who records it (default: the token name)')
    .action(async (number: string, opts: ConnectionOptions & { for: string; approvedBy: string; reason: string; by?: string }) => {
      await run(
        opts,
        async (c) => {
          await c.extend(number, { for: opts.for, approved_by: opts.approvedBy, reason: opts.reason, by: opts.by });
          return c.show(number);
        },
        detail,
      );
    });

  withConnection(incident.command('close <number>'))
    .description("close a resolved incident, optionally with the customer's evaluation (0-100)")
    .option('--by <name>', 'who (default: the token name)')
    .option('--note <text>', 'a remark for the timeline')
    .option('--score <0-100>', "the customer's evaluation score")
    .option('--comment <text>', "the customer's comment")
    .option('--evaluator <name>', 'who gave the evaluation (default: --by, else the token name)')
    .action(async (number: string, opts: ConnectionOptions & { by?: string; note?: string; score?: string; comment?: string; evaluator?: string }) => {
      const score = opts.score === undefined ? undefined : parseScore(opts.score);
      const body = { by: opts.by, note: opts.note, score, comment: opts.comment, evaluator: opts.evaluator ?? (score !== undefined ? opts.by : undefined) };
      await run(opts, (c) => c.close(number, body), detail);
    });

  withConnection(incident.command('evaluate <number>'))
    .description("record the customer's evaluation of a resolved or closed incident (a second one replaces the first)")
    .requiredOption('--score <0-100>', "the customer's evaluation score")
    .requiredOption('--by <name>', 'who gave the evaluation (the customer representative)')
    .option('--comment <text>', "the customer's comment")
    .option('--recorded-by <name>', 'who enters it (default: the token name)')
    .action(async (number: string, opts: ConnectionOptions & { score: string; by: string; comment?: string; recordedBy?: string }) => {
      const score = parseScore(opts.score);
      await run(opts, (c) => c.evaluate(number, { score, evaluator: opts.by, comment: opts.comment, by: opts.recordedBy }), detail);
    });

  withConnection(incident.command('reopen <number>'))
    .description('reopen a resolved incident')
    .option('--by <name>', 'who (default: the token name)')
    .option('--note <text>', 'a remark for the timeline')
    .action(async (number: string, opts: ConnectionOptions & { by?: string; note?: string }) => {
      await run(opts, (c) => c.reopen(number, { by: opts.by, note: opts.note }), detail);
    });
}
