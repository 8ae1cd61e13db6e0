/** API errors as `{"error": "...", "details": [...]}` and zod validation of query/body at the edge. */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { formatPath } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** At most this many details in one 400 (a body with 10 000 unknown keys must not produce a 10 000-line answer). */
export const MAX_DETAILS = 20;

/** Parses `input` with `schema` or throws a 400 whose details name each bad field (one per unknown key, at most 20). */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: 'query' | 'body' | 'params'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details: Array<{ field: string; message: string }> = [];
  let total = 0;
  const add = (path: ReadonlyArray<PropertyKey>, message: string) => {
    total++;
    if (details.length >= MAX_DETAILS) return;
    const field = formatPath(path);
    details.push({ field: field ? `${what}.${field}` : what, message });
  };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...issue.path, key], 'unknown parameter');
    else add(issue.path, issue.message);
  }
  throw new HttpError(400, total > details.length ? `invalid ${what}: ${total} problems, the first ${details.length} listed` : `invalid ${what}`, details);
}

export function queryOf(req: Request): unknown {
  return req.query;
}

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, `no route ${req.method} ${req.path}`);
};

/** Error codes of a store that cannot be reached now (node-postgres / the OS / SQLite), as opposed to a bug. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY']);

/** True for a failure to reach the store (PostgreSQL stopped, restarting, out of connections; SQLite busy). */
export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return /^Connection terminated|timeout exceeded when trying to connect/.test(message);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message, details: error.details });
      return;
    }
    // The store is down or restarting: the client may retry; it is not a bug of the request or of ours.
    if (isStoreUnavailable(error)) {
      logger.warn({ err: error }, 'API request failed: the store is unavailable');
      res.status(503).json({ error: 'the store is unavailable; try again', details: [{ field: 'store', message: 'the database did not answer (details in the collector log)' }] });
      return;
    }
    // body-parser errors carry a status (400 bad JSON, 413 too large).
    const status = (error as { status?: number }).status;
    if (status === 400 || status === 413) {
      res.status(status).json({ error: status === 413 ? 'request body too large' : 'malformed JSON body', details: [] });
      return;
    }
    logger.error({ err: error }, 'unhandled API error');
    res.status(500).json({ error: 'internal error', details: [] });
  };
}
