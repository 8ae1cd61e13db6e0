/**
 * pino logs to stdout: JSON lines when stdout is a pipe or file (log collectors), human-readable lines (pino-pretty,
 * local time) when it is a terminal. Secrets are redacted wherever they appear, in both forms: by key (password,
 * token, secret, authorization) and inside every string of a line (credentials in URLs, secret query parameters,
 * webhook tokens: common/redact.ts), in the message, the logged object, errors and child bindings.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import { redactDeep, redactSecrets } from './redact.js';

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

/** A synchronous pino-pretty stream: `[2026-10-05 10:00:00.123] INFO (outpost): message` plus the fields, local time. */
function prettyStream(destination: NodeJS.WritableStream, colorize: boolean): pino.DestinationStream {
  return pretty({ destination, sync: true, colorize, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' });
}

export function createLogger(opts: { level?: LevelWithSilent; name?: string; destination?: NodeJS.WritableStream; format?: LogFormat } = {}): Logger {
  const destination = opts.destination ?? process.stdout;
  const isPretty = wantsPretty(opts.format ?? 'auto', destination);
  const logger = pino(
    {
      level: opts.level ?? 'info',
      name: opts.name,
      redact: { paths: [...REDACT_PATHS, 'enrolment_secret', '*.enrolment_secret', '*.*.enrolment_secret'], censor: '[redacted]' },
      base: undefined,
      formatters: {
        log: (obj) => redactDeep(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
        },
      },
      // pino-pretty renders its own local time from the epoch; JSON keeps ISO for machines.
      timestamp: isPretty ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
    },
    isPretty ? prettyStream(destination, (destination as { isTTY?: boolean }).isTTY === true) : (destination as pino.DestinationStream),
  );
  // pino serialises a child's bindings once, without the log formatter: redact them on the way in. Children inherit
  // this method from the root (they are created with Object.create), so grandchildren are covered too.
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactDeep(bindings) as typeof bindings, options);
  } as typeof logger.child;
  return logger;
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
