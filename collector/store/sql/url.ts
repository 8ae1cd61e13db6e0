/**
 * `store.url`: where the collector keeps its state. `postgres://user:password@host:port/database` (also
 * `postgresql://`), `sqlite:PATH`, or absent (SQLite `outpost.db` in `data_dir`, the embedded default).
 * Credentials never appear in an error or a log line: `describeStoreUrl` is the printable form.
 */
import { z } from 'zod';
import { redactSecrets } from '../../../common/redact.js';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

const FORMS = 'postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH';

/** The location named by a `store.url` value, or the problem with it (never echoing the value: it may hold a password). */
export function parseStoreUrl(text: string): StoreLocation | { problem: string } {
  if (text.startsWith('sqlite:')) {
    const file = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '' || file === ':memory:') return { problem: `sqlite: needs a file path (${FORMS})` };
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { problem: `not a valid URL (${FORMS}; percent-encode special characters in the password)` };
    }
    if (url.hostname === '') return { problem: `names no host (${FORMS})` };
    if (url.pathname.replace(/^\//, '') === '') return { problem: `names no database (${FORMS})` };
    return { kind: 'postgres', url: text };
  }
  return { problem: `unsupported scheme (${FORMS})` };
}

/** The zod schema of `store.url` (problems are reported at `store.url`). */
export const storeUrlSchema = z.string().superRefine((text, ctx) => {
  const parsed = parseStoreUrl(text);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** The printable form of a location: the file, or the URL with its credentials redacted. */
export function describeStoreUrl(location: StoreLocation): string {
  return location.kind === 'sqlite' ? `sqlite:${location.file}` : redactSecrets(location.url);
}

/** A command that works on a SQLite file only, asked of a PostgreSQL store. */
export class NotSqliteStoreError extends Error {
  constructor(location: StoreLocation, what: string) {
    super(`store.url ${describeStoreUrl(location)}: ${what} works on a SQLite store only (docs/ha.md says how to back up and inspect PostgreSQL)`);
    this.name = 'NotSqliteStoreError';
  }
}
