/**
 * `ping`: multi-packet ICMP echo through the system `ping` (iputils).
 *
 * Why not `ping.promise.probe` from the `ping` npm package (0.4.4)? It cannot be aborted (the runner's timeout would leave the ping process
 * running into the next interval) and it sets LANG=C by mutating the agent's own `process.env`. We spawn the same
 * system binary with execFile (killed on abort) and parse its output in ./ping/parse.ts with the package's own parser.
 */
import { execFile } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { defineCheck } from '../types.js';
import type { Observation } from '../types.js';
import { evaluatePing, pingMetrics } from './evaluate.js';
import { parsePingOutput, pingErrorReason } from './parse.js';
import { pingSpec, type PingConfig } from './config.js';

export type { PingConfig };


export function pingArgs(cfg: PingConfig): string[] {
  const args = ['-n', '-c', String(cfg.count), '-i', (cfg.packet_interval / 1000).toFixed(3), '-W', (cfg.packet_timeout / 1000).toFixed(3)];
  if (cfg.packet_size !== undefined) args.push('-s', String(cfg.packet_size));
  if (cfg.ipv6 || isIPv6(cfg.host)) args.push('-6');
  args.push(cfg.host);
  return args;
}

interface PingRun {
  stdout: string;
  stderr: string;
  aborted: boolean;
}

function runPing(args: string[], signal: AbortSignal): Promise<PingRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'ping',
      args,
      // SIGINT makes ping print its statistics before exiting, so an aborted run still reports what it saw.
      { signal, killSignal: 'SIGINT', env: { ...process.env, LANG: 'C', LC_ALL: 'C' }, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error('the ping binary was not found (install iputils-ping)'));
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr), aborted: error?.name === 'AbortError' });
      },
    );
  });
}

export const pingCheck = defineCheck({
  ...pingSpec,
  create(cfg, deps) {
    const args = pingArgs(cfg);
    const logger = deps.logger.child({ host: cfg.host });
    return {
      async run(signal): Promise<Observation> {
        const { stdout, stderr, aborted } = await runPing(args, signal);
        const stats = parsePingOutput(stdout);
        if (aborted) {
          return {
            state: 'crit',
            message: `ping ${cfg.host} timed out before ${cfg.count} packets were answered`,
            code: 'ping.timed_out',
            params: { host: cfg.host, count: cfg.count },
            metrics: stats ? pingMetrics(stats) : { up: 0 },
          };
        }
        if (!stats) {
          const reason = pingErrorReason(stderr);
          logger.debug({ reason }, 'ping produced no statistics');
          return { state: 'crit', message: `cannot ping ${cfg.host}: ${reason}`, code: 'ping.failed', params: { host: cfg.host, reason }, metrics: { up: 0 } };
        }
        return evaluatePing(cfg.host, stats, cfg);
      },
    };
  },
});
