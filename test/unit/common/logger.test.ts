/** Logs: JSON lines for pipes and files, human-readable lines (pino-pretty) on a terminal; secrets redacted in both. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, wantsPretty } from '../../../common/logger.js';

function sink(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('auto: pretty only on a TTY; json / pretty force it', () => {
    expect(wantsPretty('auto', sink(true).stream)).toBe(true);
    expect(wantsPretty('auto', sink(false).stream)).toBe(false);
    expect(wantsPretty('json', sink(true).stream)).toBe(false);
    expect(wantsPretty('pretty', sink(false).stream)).toBe(true);
  });

  it('a pipe gets one JSON object per line with an ISO time', () => {
    const out = sink(false);
    createLogger({ name: 'outpost', destination: out.stream }).info({ token: 's3cret', port: 8080 }, 'listening');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, name: 'outpost', msg: 'listening', port: 8080, token: '[redacted]' });
    expect(typeof line.time).toBe('string');
  });

  it('a terminal gets a readable line: local time, level, name, message, fields; secrets still redacted', () => {
    const out = sink(true);
    createLogger({ name: 'outpost', destination: out.stream, format: 'pretty' }).warn({ token: 's3cret', port: 8080 }, 'listening');
    // eslint-disable-next-line no-control-regex
    const text = out.text().replace(/\u001b\[[0-9;]*m/g, '');
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN \(outpost\): listening\n/);
    expect(text).toContain('port: 8080');
    expect(text).toContain('"[redacted]"');
    expect(text).not.toContain('s3cret');
  });
});
