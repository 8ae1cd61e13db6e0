import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../../common/config.js';
import { collectorConfigSchema, databaseFile, storeLocation } from '../../../../../collector/config.js';
import { NotSqliteStoreError } from '../../../../../collector/store/sql/url.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfigText(text, collectorConfigSchema, env);

describe('store.url', () => {
  it('absent: SQLite outpost.db in data_dir, as before', () => {
    const out = parse('data_dir: /var/lib/outpost\n');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.config.store).toEqual({});
    expect(storeLocation(out.config)).toEqual({ kind: 'sqlite', file: '/var/lib/outpost/outpost.db' });
    expect(databaseFile(out.config)).toBe('/var/lib/outpost/outpost.db');
  });

  it('sqlite:PATH names the file (relative or absolute; sqlite:///abs too)', () => {
    for (const [url, file] of [
      ['sqlite:/srv/state/outpost.db', '/srv/state/outpost.db'],
      ['sqlite:state/outpost.db', 'state/outpost.db'],
      ['sqlite:///srv/outpost.db', '/srv/outpost.db'],
    ] as const) {
      const out = parse(`store:\n  url: ${url}\n`);
      expect(out.ok).toBe(true);
      if (out.ok) expect(databaseFile(out.config)).toBe(file);
    }
  });

  it('postgres:// is accepted by the schema (password from ${ENV}) ; what works on a SQLite file only says so, password redacted', () => {
    const out = parse('store:\n  url: postgres://outpost:${PGPASS}@db.internal:5432/outpost\n', { PGPASS: 's3cr3t-pw' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(storeLocation(out.config)).toEqual({ kind: 'postgres', url: 'postgres://outpost:s3cr3t-pw@db.internal:5432/outpost' });
    let thrown: unknown;
    try {
      databaseFile(out.config, 'store backup');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NotSqliteStoreError);
    const message = (thrown as Error).message;
    expect(message).toBe(
      'store.url postgres://[redacted]@db.internal:5432/outpost: store backup works on a SQLite store only (docs/ha.md says how to back up and inspect PostgreSQL)',
    );
    expect(message).not.toContain('s3cr3t-pw');
  });

  it('bad values are problems at store.url that never echo the value; unknown keys under store are errors', () => {
    const cases: Array<[string, string]> = [
      ['mysql://root:hunter2@db/outpost', 'unsupported scheme (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)'],
      ['postgres://u:hunter2@db.internal:5432/', 'names no database (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)'],
      ['postgres://u:hunter2@db.internal:99999/outpost', 'not a valid URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH; percent-encode special characters in the password)'],
      ['"sqlite:"', 'sqlite: needs a file path (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)'],
      ['"sqlite::memory:"', 'sqlite: needs a file path (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)'],
    ];
    for (const [url, message] of cases) {
      const out = parse(`store:\n  url: ${url}\n`);
      expect(out.ok, url).toBe(false);
      if (out.ok) continue;
      expect(out.problems).toEqual([{ path: 'store.url', message }]);
      expect(JSON.stringify(out.problems)).not.toContain('hunter2');
    }
    const typo = parse('store:\n  uri: sqlite:/x.db\n');
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.problems.map((p) => p.path)).toEqual(['store.uri']);
  });
});
