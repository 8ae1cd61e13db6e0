import { describe, expect, it } from 'vitest';
import { certDaysLeft, evaluateHttp, httpFailure, type HttpRules } from '../../../../../agent/checks/http/evaluate.js';
import type { ProbeResponse } from '../../../../../agent/checks/http/probe.js';
import { httpCheck } from '../../../../../agent/checks/http/check.js';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const RULES: HttpRules = { expected_status: [{ lo: 200, hi: 399 }], cert_warn_days: 14, cert_crit_days: 7 };

function response(overrides: Partial<ProbeResponse> = {}): ProbeResponse {
  return {
    status: 200,
    finalUrl: 'https://example.test/',
    redirects: 0,
    firstByteMs: 10,
    totalMs: 12.3456,
    bodyBytes: 5,
    bodySample: 'hello',
    earliestCert: null,
    ...overrides,
  };
}

const cert = (days: number) => ({ host: 'example.test', subject: 'example.test', issuer: 'Test CA', validTo: new Date(NOW + days * DAY) });

describe('evaluateHttp', () => {
  it('ok: metrics and details', () => {
    const o = evaluateHttp(response(), RULES, NOW);
    expect(o).toMatchObject({
      state: 'ok',
      message: 'HTTP 200 in 12.35 ms',
      metrics: { up: 1, status_code: 200, response_ms: 12.346, first_byte_ms: 10, body_bytes: 5, redirects: 0 },
      details: { final_url: 'https://example.test/' },
    });
  });

  it('certificate: 30 days ok, 14 days warn, 7 days crit, -1 expired', () => {
    expect(evaluateHttp(response({ earliestCert: cert(30) }), RULES, NOW).state).toBe('ok');
    expect(evaluateHttp(response({ earliestCert: cert(14) }), RULES, NOW).state).toBe('warn');
    expect(evaluateHttp(response({ earliestCert: cert(7) }), RULES, NOW).state).toBe('crit');
    const expired = evaluateHttp(response({ earliestCert: cert(-1) }), RULES, NOW);
    expect(expired.state).toBe('crit');
    expect(expired.message).toMatch(/^certificate "example.test" of example.test expired 1 days ago/);
    expect(expired.metrics.cert_days_left).toBe(-1);
    expect(expired.details).toMatchObject({ cert_issuer: 'Test CA', cert_not_after: '2026-02-28T00:00:00.000Z' });
  });

  it('worst of several problems, all reasons listed', () => {
    const o = evaluateHttp(response({ status: 500, earliestCert: cert(10) }), { ...RULES, contains: 'welcome', warn_ms: 5 }, NOW);
    expect(o.state).toBe('crit');
    expect(o.message).toBe(
      'status 500 not in 200-399; response time 12.35 ms >= 5 ms; body does not contain "welcome"; certificate "example.test" of example.test expires in 10 days (<= 14) (HTTP 500 in 12.35 ms)',
    );
  });

  it('certDaysLeft is fractional', () => {
    expect(certDaysLeft(new Date(NOW + DAY / 2), NOW)).toBe(0.5);
  });
});

describe('httpFailure', () => {
  it('names the error code', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(httpFailure('http://127.0.0.1:1/', err, 3)).toMatchObject({
      state: 'crit',
      message: 'http://127.0.0.1:1/: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1',
      metrics: { up: 0 },
    });
  });
  it('masks a password in the URL', () => {
    const err = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(httpFailure('http://ops:hunter2@127.0.0.1:1/x', err, 1).message).toBe('http://ops:***@127.0.0.1:1/x: ECONNREFUSED: refused');
    expect(evaluateHttp(response({ finalUrl: 'https://u:p@example.test/' }), RULES, NOW).details?.final_url).toBe('https://u:***@example.test/');
  });
  it('says timed out for aborts', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(httpFailure('http://x/', abort, 200).message).toBe('http://x/: timed out after 200 ms');
  });
});

describe('http config', () => {
  it('defaults', () => {
    const cfg = httpCheck.configSchema.parse({ url: 'https://example.test/health' });
    expect(cfg).toMatchObject({ method: 'GET', headers: {}, max_redirects: 5, cert_warn_days: 14, cert_crit_days: 7, insecure_skip_verify: false, max_body_bytes: 1048576 });
    expect(httpCheck.defaultTarget(cfg, { hostname: 'h' })).toBe('example.test');
  });

  it.each([
    [{}, 'url'],
    [{ url: 'ftp://example.test/' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: 'http://x/', method: 'FETCH' }, 'method'],
    [{ url: 'http://x/', expected_status: '2xx' }, 'expected_status'],
    [{ url: 'http://x/', headers: { 'bad header': 'x' } }, 'headers'],
    [{ url: 'http://x/', max_redirects: 50 }, 'max_redirects'],
    [{ url: 'http://x/', timeout_ms: 5 }, 'timeout_ms'],
  ])('rejects %j naming %s', (input, field) => {
    const result = httpCheck.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect([...issue.path, ...((issue as { keys?: string[] }).keys ?? [])]).toContain(field);
  });

  it('explains a bad url', () => {
    expect(httpCheck.configSchema.safeParse({ url: 'ftp://x/' }).error?.issues[0]?.message).toBe('url must be an absolute http:// or https:// URL');
  });
});
