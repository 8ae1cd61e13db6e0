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

/** Parses `input` with `schema` or throws a 400 whose details name each bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: 'query' | 'body' | 'params'): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
    const field = formatPath(path);
    return { field: field ? `${what}.${field}` : what, message: issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message };
  });
  throw new HttpError(400, `invalid ${what}`, details);
}

export function queryOf(req: Request): unknown {
  return req.query;
}

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, `no route ${req.method} ${req.path}`);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message, details: error.details });
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
