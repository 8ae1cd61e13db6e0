/** pino JSON logs to stdout; secrets redacted wherever they appear in logged objects. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

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

export function createLogger(opts: { level?: LevelWithSilent; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (opts.destination ?? process.stdout) as pino.DestinationStream,
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
