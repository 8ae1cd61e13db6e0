/**
 * `outpost report … --url URL [--token T]`: fetches the rendered report from a running collector's
 * GET /api/v1/reports/… (viewer token) instead of reading its database (or POSTs, e.g. a fault report marked sent). The API's error becomes the one-line reason:
 * 400/404 (bad period, unknown contract or incident, no data) exit 2, anything else exit 1.
 */
import { z } from 'zod';
import { CliError, type CliIo } from '../../common/cli.js';

const errorSchema = z.object({ error: z.string(), details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional() });

export interface RemoteReport {
  filename: string;
  body: Buffer;
}

/** `path` is below /api/v1/reports, e.g. `/sla?period=2026-10&contract=acme&format=pdf`. */
export async function fetchReport(
  io: CliIo,
  opts: { url: string; token?: string | undefined },
  path: string,
  fallbackName: string,
  method: 'GET' | 'POST' = 'GET',
  json?: Record<string, unknown>,
): Promise<RemoteReport> {
  const token = opts.token ?? io.env.OUTPOST_TOKEN;
  if (!token) throw new CliError('no API token: pass --token or set OUTPOST_TOKEN');
  let res: Response;
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) };
    res = await fetch(`${opts.url.replace(/\/+$/, '')}/api/v1/reports${path}`, { method, headers, ...(json ? { body: JSON.stringify(json) } : {}) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new CliError(`cannot reach ${opts.url}: ${cause?.code ?? String(error)}`, 1);
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    let parsed: z.ZodSafeParseResult<z.output<typeof errorSchema>> | null = null;
    try {
      parsed = errorSchema.safeParse(JSON.parse(body.toString('utf8')));
    } catch {
      parsed = null;
    }
    const reason = parsed?.success ? parsed.data.error : `HTTP ${res.status}`;
    throw new CliError(`${res.status} ${reason}`, res.status === 400 || res.status === 404 ? 2 : 1);
  }
  // Content-Disposition: attachment; filename=sla-acme-2026-10.pdf (quoted when needed) (json/html come inline: use the fallback).
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  return { filename, body };
}
