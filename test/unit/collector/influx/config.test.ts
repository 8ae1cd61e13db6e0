import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../common/config.js';
import { collectorConfigSchema } from '../../../../collector/config.js';

const parse = (text: string) => parseConfigText(text, collectorConfigSchema, { TOKEN: 'tok' });

describe('influx config', () => {
  it('disabled by default', () => {
    const out = parse('');
    expect(out.ok && out.config.influx).toMatchObject({ enabled: false, mode: 'v2', batch_size: 5000, max_buffer_lines: 200_000 });
  });

  it('v2 needs token, org and bucket; each missing one is named', () => {
    const out = parse('influx: { enabled: true }');
    expect(out.ok).toBe(false);
    const text = JSON.stringify(out);
    for (const key of ['influx.token', 'influx.org', 'influx.bucket']) expect(text).toContain(key);
  });

  it('v1 needs a database; durations parse; unknown keys are errors', () => {
    const ok = parse('influx: { enabled: true, mode: v1, database: outpost, flush_interval: 200ms, availability: { backfill: 2h } }');
    expect(ok.ok && ok.config.influx).toMatchObject({ database: 'outpost', flush_interval: 200, availability: { backfill: 7_200_000 } });
    expect(JSON.stringify(parse('influx: { enabled: true, mode: v1 }'))).toContain('influx.database');
    expect(JSON.stringify(parse('influx: { bukket: x }'))).toContain('bukket');
    expect(JSON.stringify(parse('influx: { retry_min: 10s, retry_max: 1s }'))).toContain('influx.retry_max');
  });

  it('a URL with credentials is refused with the keys to use instead', () => {
    const out = parse('influx: { enabled: true, mode: v1, database: outpost, url: "http://writer:s3cret@127.0.0.1:8086" }');
    expect(out.ok).toBe(false);
    const text = JSON.stringify(out);
    expect(text).toContain('influx.url');
    expect(text).toContain('must not contain credentials: use influx.username and influx.password (v1) or influx.token (v2)');
    expect(parse('influx: { url: "http://127.0.0.1:8086" }').ok).toBe(true);
  });

  it('${ENV} in the token', () => {
    const out = parse(['influx:', '  enabled: true', '  token: ${TOKEN}', '  org: o', '  bucket: b'].join('\n'));
    expect(out.ok && out.config.influx.token).toBe('tok');
  });
});
