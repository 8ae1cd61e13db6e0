/**
 * pino JSON logs to stdout; secrets redacted wherever they appear: by key (password, token, secret, authorization)
 * and inside every string of a line (credentials in URLs, secret query parameters, webhook tokens: common/redact.ts),
 * in the message, the logged object, errors and child bindings.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
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

export function createLogger(opts: { level?: LevelWithSilent; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
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
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (opts.destination ?? process.stdout) as pino.DestinationStream,
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
