/**
 * A small client of /api/v1/incidents for the CLI. Responses enter as `unknown` and are checked for the few
 * fields the CLI relies on; API errors become IncidentsApiError with the server's message and details.
 */
import { z } from 'zod';

export class IncidentsApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Array<{ field?: string; message?: string }> = [],
  ) {
    super(message);
    this.name = 'IncidentsApiError';
  }
}

const errorBodySchema = z.object({
  error: z.string(),
  details: z.array(z.object({ field: z.string().optional(), message: z.string().optional() }).loose()).default([]),
});

const timelineSchema = z.object({ at_ms: z.number(), actor: z.string(), kind: z.string(), note: z.string().nullable() }).loose();
export const incidentSchema = z
  .object({
    number: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    target: z.string().nullable(),
    check_id: z.string().nullable(),
    opened_at_ms: z.number(),
  })
  .loose();
export const incidentDetailSchema = incidentSchema.extend({ timeline: z.array(timelineSchema) });
export const incidentListSchema = z.object({ items: z.array(incidentSchema), total: z.number(), limit: z.number(), offset: z.number() }).loose();

const slaAnswerSchema = z.object({ number: z.string(), status: z.string(), sla: z.unknown() }).loose();

export type IncidentJson = z.infer<typeof incidentSchema>;
export type IncidentDetailJson = z.infer<typeof incidentDetailSchema>;
export type IncidentListJson = z.infer<typeof incidentListSchema>;

export interface IncidentsClientOptions {
  /** Collector API base, e.g. http://127.0.0.1:8080 */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

export function createIncidentsClient(opts: IncidentsClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = `${opts.url.replace(/\/+$/, '')}/api/v1/incidents`;

  async function request<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', path: string, body?: unknown): Promise<z.output<S>> {
    const target = `${base}${path}`;
    let res: Response;
    try {
      res = await doFetch(target, {
        method,
        headers: { authorization: `Bearer ${opts.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new IncidentsApiError(0, `cannot reach ${opts.url}: ${cause?.code ?? cause?.message ?? String(error)}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new IncidentsApiError(res.status, `HTTP ${res.status}: response is not JSON`);
    }
    if (!res.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (parsed.success) throw new IncidentsApiError(res.status, parsed.data.error, parsed.data.details);
      throw new IncidentsApiError(res.status, `HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new IncidentsApiError(res.status, `unexpected response from ${target}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  const post = (path: string, body: Record<string, unknown>) => request(incidentDetailSchema, 'POST', path, dropUndefined(body));
  const one = (number: string) => `/${encodeURIComponent(number)}`;

  return {
    list(query: Record<string, string | number | undefined>): Promise<IncidentListJson> {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const qs = params.toString();
      return request(incidentListSchema, 'GET', qs ? `/?${qs}` : '/');
    },
    show: (number: string) => request(incidentDetailSchema, 'GET', one(number)),
    create: (body: Record<string, unknown>) => post('', body),
    ack: (number: string, body: Record<string, unknown>) => post(`${one(number)}/ack`, body),
    resolve: (number: string, body: Record<string, unknown>) => post(`${one(number)}/resolve`, body),
    note: (number: string, body: Record<string, unknown>) => post(`${one(number)}/note`, body),
    close: (number: string, body: Record<string, unknown>) => post(`${one(number)}/close`, body),
    evaluate: (number: string, body: Record<string, unknown>) => post(`${one(number)}/evaluate`, body),
    reopen: (number: string, body: Record<string, unknown>) => post(`${one(number)}/reopen`, body),
    /** More resolution time with the customer's consent; answers with the incident's `sla` block. */
    extend: (number: string, body: Record<string, unknown>) => request(slaAnswerSchema, 'POST', `${one(number)}/extend`, dropUndefined(body)),
  };
}

export type IncidentsClient = ReturnType<typeof createIncidentsClient>;

function dropUndefined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
