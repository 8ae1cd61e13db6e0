/**
 * pino logs to stdout: JSON lines when stdout is a pipe or file (log collectors), human-readable lines (pino-pretty,
 * local time) when it is a terminal. Secrets are redacted wherever they appear in logged objects, in both forms.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

/** How log lines are written: `json` always, `pretty` always, `auto` = pretty on a terminal (isTTY), else JSON. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export function wantsPretty(format: LogFormat, destination: NodeJS.WritableStream): boolean {
  if (format !== 'auto') return format === 'pretty';
  return (destination as { isTTY?: boolean }).isTTY === true;
}

/** A synchronous pino-pretty stream: `2026-10-05 10:00:00.123 INFO (outpost): message` plus the fields, local time. */
function prettyStream(destination: NodeJS.WritableStream, colorize: boolean): pino.DestinationStream {
  return pretty({ destination, sync: true, colorize, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' });
}

export function createLogger(opts: { level?: LevelWithSilent; name?: string; destination?: NodeJS.WritableStream; format?: LogFormat } = {}): Logger {
  const destination = opts.destination ?? process.stdout;
  const isPretty = wantsPretty(opts.format ?? 'auto', destination);
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      // pino-pretty renders its own local time from the epoch; JSON keeps ISO for machines.
      timestamp: isPretty ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
    },
    isPretty ? prettyStream(destination, (destination as { isTTY?: boolean }).isTTY === true) : (destination as pino.DestinationStream),
  );
}

/** Logs at most `perWindow` messages per key per window; counts the rest and reports them when the window rolls. */
export function createRateLimitedLog(logger: Logger, windowMs = 10_000, perWindow = 5, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number; suppressed: number }>();
  return (key: string, obj: object, msg: string) => {
    const t = now();
    let w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      if (w && w.suppressed > 0) logger.warn({ key, suppressed: w.suppressed }, 'suppressed repeated log lines');
      w = { start: t, count: 0, suppressed: 0 };
      windows.set(key, w);
    }
    if (w.count < perWindow) {
      w.count++;
      logger.warn(obj, msg);
    } else {
      w.suppressed++;
    }
  };
}
