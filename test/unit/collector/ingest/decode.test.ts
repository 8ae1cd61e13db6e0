import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../../collector/ingest/decode.js';
import { PROTOCOL_VERSION } from '../../../../common/protocol.js';

const good = {
  v: PROTOCOL_VERSION,
  agent_id: 'web-01',
  seq: 7,
  check_id: 'https',
  check_type: 'http',
  target: 'www',
  interval_s: 30,
  observed_at_ms: 1_700_000_000_000,
  sent_at_ms: 1_700_000_000_100,
  duration_ms: 12,
  state: 'ok',
  message: 'HTTP 200',
  metrics: { latency_ms: 12 },
};
const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const T = 'outpost/v1/web-01/results';

describe('decodeMessage', () => {
  it('accepts a valid result and returns the typed message', () => {
    const out = decodeMessage(T, enc(good), 1024);
    expect(out).toEqual({ ok: true, decoded: { kind: 'results', agentId: 'web-01', message: good } });
  });

  it.each([
    ['bad_topic', 'outpost/v1/Web_01/results', enc(good)],
    ['bad_topic', 'outpost/v1/web-01/other', enc(good)],
    ['bad_topic', 'elsewhere/x', enc(good)],
    ['oversized', T, Buffer.alloc(2048, 32)],
    ['malformed_json', T, enc('{"v":1,')],
    ['malformed_json', T, Buffer.from([0xff, 0xfe, 0x00])],
    ['schema_invalid', T, enc('[1,2]')],
    ['schema_invalid', T, enc('null')],
    ['unknown_version', T, enc({ ...good, v: 2 })],
    ['unknown_version', T, enc({ ...good, v: undefined })],
    ['schema_invalid', T, enc({ ...good, seq: 0 })],
    ['schema_invalid', T, enc({ ...good, state: 'down' })],
    ['schema_invalid', T, enc({ ...good, extra: true })],
    ['agent_mismatch', T, enc({ ...good, agent_id: 'web-02' })],
  ])('rejects %s (%s)', (reason, topic, payload) => {
    const out = decodeMessage(topic, payload, 1024);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toBe(reason);
  });

  it('names the invalid fields in the detail', () => {
    const out = decodeMessage(T, enc({ ...good, seq: -1, state: 'down' }), 1024);
    expect(out).toMatchObject({ ok: false, reason: 'schema_invalid', agentId: 'web-01' });
    if (!out.ok) {
      expect(out.detail).toContain('seq');
      expect(out.detail).toContain('state');
    }
  });
});
