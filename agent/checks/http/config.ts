/** Config of the `http` check; apart from ./check.ts so the registry validates configs without loading the check. */
import { z } from 'zod';
import { defineSpec } from '../types.js';
import { expectedStatusSchema } from './status.js';
import { thresholdOrder } from '../rules.js';

export const httpConfigSchema = z
  .strictObject({
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
  })
  .superRefine((cfg, ctx) => {
    thresholdOrder('higher', [['warn_ms', 'crit_ms']])(cfg, ctx);
    // days left on the certificate: fewer is worse
    thresholdOrder('lower', [['cert_warn_days', 'cert_crit_days']])(cfg, ctx);
  });

export type HttpConfig = z.output<typeof httpConfigSchema>;

export const httpSpec = defineSpec({ type: 'http', configSchema: httpConfigSchema, defaultTarget: (cfg) => new URL(cfg.url).host });
