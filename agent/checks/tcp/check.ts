/** `tcp`: connect time to host:port. Connection refused / timeout is a crit result, not a broken check. */
import { connect } from 'node:net';
import { z } from 'zod';
import { defineCheck, round } from '../types.js';
import { overFinding } from '../verdict.js';
import { hostSchema, thresholdOrder } from '../rules.js';

const configSchema = z
  .strictObject({
    host: hostSchema,
    port: z.number().int().min(1).max(65535),
    /** Connect time thresholds in milliseconds. */
    warn_ms: z.number().positive().optional(),
    crit_ms: z.number().positive().optional(),
  })
  .superRefine(thresholdOrder('higher', [['warn_ms', 'crit_ms']]));

export const tcpCheck = defineCheck({
  type: 'tcp',
  configSchema,
  defaultTarget: (cfg) => cfg.host,
  create(cfg, deps) {
    return {
      run(signal) {
        const started = performance.now();
        return new Promise((resolve) => {
          const socket = connect({ host: cfg.host, port: cfg.port, signal });
          socket.setNoDelay(true);
          socket.once('connect', () => {
            const connectMs = performance.now() - started;
            socket.destroy();
            const slow = overFinding('tcp.slow', 'connect time', connectMs, cfg.warn_ms, cfg.crit_ms, ' ms', { host: cfg.host, port: cfg.port });
            resolve({
              state: slow?.state ?? 'ok',
              message: slow?.text ?? `connected to ${cfg.host}:${cfg.port} in ${round(connectMs)} ms`,
              ...(slow ? { code: slow.code, params: slow.params } : { code: 'tcp.ok', params: { host: cfg.host, port: cfg.port, connect_ms: round(connectMs) } }),
              metrics: { connect_ms: round(connectMs, 3), up: 1 },
            });
          });
          socket.once('error', (error: NodeJS.ErrnoException) => {
            socket.destroy();
            const reason = error.name === 'AbortError' ? 'timed out' : (error.code ?? error.message);
            deps.logger.debug({ host: cfg.host, port: cfg.port, reason }, 'tcp connect failed');
            resolve({
              state: 'crit',
              message: `cannot connect to ${cfg.host}:${cfg.port}: ${reason}`,
              code: 'tcp.connect_failed',
              params: { host: cfg.host, port: cfg.port, reason },
              metrics: { up: 0 },
            });
          });
        });
      },
    };
  },
});
