/**
 * `http`: one request (bounded redirects) judged on status, latency, body keywords and TLS certificate expiry.
 * Refused connections, TLS failures and the runner's timeout are crit results, not broken checks.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { defineCheck } from './types.js';
import type { Observation } from './types.js';
import { evaluateHttp, httpFailure, redactUrl } from './http/evaluate.js';
import { probeHttp, type ProbeOptions } from './http/probe.js';
import { expectedStatusSchema } from './http/status.js';

const configSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'url must be an absolute http:// or https:// URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'invalid header name'), z.string()).default({}),
  /** Request body (e.g. for POST health endpoints). */
  body: z.string().optional(),
  /** Accepted status codes: `200`, `"200-299"`, or a list. */
  expected_status: expectedStatusSchema,
  /** Total response time thresholds in milliseconds. */
  warn_ms: z.number().positive().optional(),
  crit_ms: z.number().positive().optional(),
  /** The body (first max_body_bytes) must contain this text. */
  contains: z.string().min(1).optional(),
  /** The body must NOT contain this text. */
  not_contains: z.string().min(1).optional(),
  /** Redirects to follow; 0 judges the 3xx response itself. */
  max_redirects: z.number().int().min(0).max(20).default(5),
  cert_warn_days: z.number().min(0).default(14),
  cert_crit_days: z.number().min(0).default(7),
  /** PEM file of CA certificates to trust; it replaces (not extends) Node's bundled roots, as Node's `ca` does. */
  ca: z.string().min(1).optional(),
  insecure_skip_verify: z.boolean().default(false),
  max_body_bytes: z.number().int().min(0).max(16 * 1024 * 1024).default(1024 * 1024),
});

export type HttpConfig = z.output<typeof configSchema>;

function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`ca: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export const httpCheck = defineCheck({
  type: 'http',
  configSchema,
  defaultTarget: (cfg) => new URL(cfg.url).host,
  create(cfg, deps) {
    const logger = deps.logger.child({ url: redactUrl(cfg.url) });
    // Read once at start: a missing CA file is a broken check (create throws), not a failing target.
    const options: ProbeOptions = {
      url: cfg.url,
      method: cfg.method,
      headers: cfg.headers,
      body: cfg.body,
      maxRedirects: cfg.max_redirects,
      ca: readCa(cfg.ca),
      insecureSkipVerify: cfg.insecure_skip_verify,
      maxBodyBytes: cfg.max_body_bytes,
    };
    return {
      async run(signal): Promise<Observation> {
        const started = performance.now();
        try {
          const response = await probeHttp(options, signal);
          return evaluateHttp(response, cfg, deps.now());
        } catch (error) {
          logger.debug({ err: error }, 'http probe failed');
          return httpFailure(cfg.url, error, performance.now() - started, signal.aborted);
        }
      },
    };
  },
});
