/**
 * `http`: one request (bounded redirects) judged on status, latency, body keywords and TLS certificate expiry.
 * Refused connections, TLS failures and the runner's timeout are crit results, not broken checks.
 */
import { readFileSync } from 'node:fs';
import { defineCheck } from '../types.js';
import type { Observation } from '../types.js';
import { evaluateHttp, httpFailure, redactUrl } from './evaluate.js';
import { probeHttp, type ProbeOptions } from './probe.js';
import { httpSpec, type HttpConfig } from './config.js';

export type { HttpConfig };


function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`ca: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export const httpCheck = defineCheck({
  ...httpSpec,
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
