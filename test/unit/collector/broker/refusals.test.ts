/** Refused publishes: at most one line per client per minute, each with the count since the last line. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { createRefusalLog } from '../../../../collector/broker/refusals.js';

describe('refusal log', () => {
  it('logs once a minute per client with a count', () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) });
    let t = 0;
    const refused = createRefusalLog(createLogger({ destination }), () => t);
    for (let i = 0; i < 50; i++) refused('publish', 'web-1', { topic: 'x' }, 'refused');
    refused('publish', 'db-1', {}, 'refused');
    refused('login', 'web-1', {}, 'refused');
    t = 59_999;
    refused('publish', 'web-1', {}, 'refused');
    t = 60_000;
    refused('publish', 'web-1', {}, 'refused');
    expect(lines.map((l) => [l.client_id, l.refused])).toEqual([['web-1', 1], ['db-1', 1], ['web-1', 1], ['web-1', 51]]);
  });
});
