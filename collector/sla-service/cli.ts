/**
 * `outpost maintenance list|add|rm` — maintenance windows on a running collector's REST API (--url, default
 * http://127.0.0.1:8080; --token or OUTPOST_TOKEN; add/rm need an admin token). Exit 0 on success, 2 on bad input
 * (a 400 or a missing token), 1 on any other failure, always with a one-line reason.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { CliError, type CliIo } from '../../common/cli.js';
import { DEFAULT_API_URL } from '../incidents/cli.js';

interface ConnectionOptions {
  url: string;
  token?: string;
  json?: boolean;
}

const errorSchema = z.object({ error: z.string(), details: z.array(z.object({ field: z.string().optional(), message: z.string().optional() }).loose()).default([]) });
const windowSchema = z
  .object({
    id: z.number().nullable(),
    source: z.string(),
    name: z.string(),
    reason: z.string().nullable(),
    targets: z.array(z.string()),
    groups: z.array(z.string()),
    kind: z.string(),
    start: z.string().optional(),
    end: z.string().optional(),
    rrule: z.string().optional(),
    cron: z.string().optional(),
    duration_s: z.number().optional(),
    retroactive: z.boolean().optional(),
    created_by: z.string().optional(),
    deleted_at: z.string().nullable().optional(),
  })
  .loose();
type WindowJson = z.infer<typeof windowSchema>;

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'collector API base URL', DEFAULT_API_URL)
    .option('--token <token>', 'API bearer token (default: $OUTPOST_TOKEN)')
    .option('--json', 'print the API response as JSON');
}

export function formatWindows(items: readonly WindowJson[]): string {
  if (items.length === 0) return 'no maintenance windows\n';
  const rows = [['ID', 'NAME', 'SCOPE', 'WHEN', 'REASON', 'BY']];
  for (const w of items) {
    const scope = [...w.targets, ...w.groups.map((g) => `group:${g}`)].join(',') || 'all';
    const when = w.kind === 'once' ? `${w.start} → ${w.end}` : `${w.rrule ?? w.cron} for ${w.duration_s}s`;
    const flags = [w.retroactive ? 'retroactive' : '', w.deleted_at ? `deleted ${w.deleted_at}` : ''].filter(Boolean).join(', ');
    rows.push([w.id === null ? 'config' : String(w.id), w.name, scope, when, [w.reason ?? '-', flags].filter(Boolean).join(' '), w.created_by ?? '-']);
  }
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return `${rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ')).join('\n')}\n`;
}

export function registerMaintenanceCommands(program: Command, io: CliIo, result: { code: number }): void {
  const maintenance = program.command('maintenance').description('maintenance windows on a running collector (REST API)');

  async function call<S extends z.ZodType>(opts: ConnectionOptions, schema: S, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<z.output<S>> {
    const token = opts.token ?? io.env.OUTPOST_TOKEN;
    if (!token) throw new CliError('no API token: pass --token or set OUTPOST_TOKEN');
    let res: Response;
    try {
      res = await fetch(`${opts.url.replace(/\/+$/, '')}/api/v1/maintenance${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CliError(`cannot reach ${opts.url}: ${cause?.code ?? String(error)}`);
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = errorSchema.safeParse(json);
      const details = parsed.success ? parsed.data.details.map((d) => [d.field, d.message].filter(Boolean).join(': ')) : [];
      const reason = `${res.status} ${parsed.success ? parsed.data.error : `HTTP ${res.status}`}${details.length ? ` (${details.join('; ')})` : ''}`;
      throw new CliError(reason, res.status === 400 ? 2 : 1);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new CliError(`unexpected response: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  function print(opts: ConnectionOptions, value: unknown, text: string): void {
    io.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : text);
    result.code = 0;
  }

  withConnection(maintenance.command('list'))
    .description('list maintenance windows (config and API)')
    .option('--all', 'include deleted windows (audit)')
    .action(async (opts: ConnectionOptions & { all?: boolean }) => {
      const list = await call(opts, z.object({ items: z.array(windowSchema) }), 'GET', opts.all ? '?include_deleted=true' : '');
      print(opts, list, formatWindows(list.items));
    });

  withConnection(maintenance.command('add'))
    .description('declare a window: --start/--end once, or --rrule/--cron with --duration (admin)')
    .requiredOption('--name <text>', 'short name')
    .requiredOption('--reason <text>', 'why (shown in reports)')
    .option('--target <name>', 'affected target (repeat or comma-separate; none and no --group = everything)', collect, [])
    .option('--group <name>', 'affected group (repeat or comma-separate)', collect, [])
    .option('--start <time>', 'ISO 8601 start of a one-off window')
    .option('--end <time>', 'ISO 8601 end of a one-off window')
    .option('--rrule <rule>', 'RFC 5545 rule with DTSTART in local wall time')
    .option('--cron <pattern>', '5-field cron for each start')
    .option('--duration <d>', 'length of each recurring window, e.g. 2h')
    .option('--timezone <tz>', 'time zone of rrule/cron', 'Asia/Shanghai')
    .option('--retroactive', 'the window began in the past: reclassify past outages')
    .option('--by <name>', 'who declares it (default: the token name)')
    .action(async (opts: ConnectionOptions & { name: string; reason: string; target: string[]; group: string[]; retroactive?: boolean } & Partial<Record<'start' | 'end' | 'rrule' | 'cron' | 'duration' | 'timezone' | 'by', string>>) => {
      const body = Object.fromEntries(
        Object.entries({
          name: opts.name,
          reason: opts.reason,
          targets: opts.target,
          groups: opts.group,
          start: opts.start,
          end: opts.end,
          rrule: opts.rrule,
          cron: opts.cron,
          duration: opts.duration,
          timezone: opts.rrule || opts.cron ? opts.timezone : undefined,
          retroactive: opts.retroactive ? true : undefined,
          by: opts.by,
        }).filter(([, v]) => v !== undefined),
      );
      const created = await call(opts, windowSchema, 'POST', '', body);
      print(opts, created, `${created.id}\n`);
    });

  withConnection(maintenance.command('rm <id>'))
    .description('delete a window (kept for audit; admin)')
    .option('--by <name>', 'who deletes it (default: the token name)')
    .action(async (id: string, opts: ConnectionOptions & { by?: string }) => {
      if (!/^\d+$/.test(id)) throw new CliError(`id must be a number, got "${id}"`, 2);
      const removed = await call(opts, windowSchema, 'DELETE', `/${id}`, opts.by ? { by: opts.by } : {});
      print(opts, removed, `deleted ${removed.id} (${removed.name})\n`);
    });
}
