import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../../../../../agent/checks/http/check.js';
import { freePort } from '../../../../helpers/ports.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-http-'));

/** Self-signed certificate for localhost / 127.0.0.1, valid for `days`. */
function makeCert(name: string, days: number): { key: string; cert: string; certPath: string } {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', String(days), '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

const held: Array<() => void> = [];
const routes: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/ok':
      res.end('hello outpost, all systems nominal');
      return;
    case '/error':
      res.statusCode = 503;
      res.end('maintenance in progress');
      return;
    case '/created':
      res.statusCode = 201;
      res.end('made');
      return;
    case '/redirect':
      res.writeHead(302, { location: '/ok' }).end();
      return;
    case '/cross-origin':
      res.writeHead(307, { location: `${secureBase}/echo` }).end();
      return;
    case '/loop':
      res.writeHead(302, { location: '/loop' }).end();
      return;
    case '/echo':
      res.end(`${req.method} ${req.headers['x-probe'] ?? ''} ${JSON.stringify(req.headers.authorization ?? null)}`);
      return;
    case '/trickle':
      // Headers and a first chunk, then nothing: the abort must land while the body is being read.
      res.writeHead(200);
      res.write('partial');
      held.push(() => res.destroy());
      return;
    case '/hang':
      // Never answers on its own: the client's abort signal ends it; afterAll releases it.
      held.push(() => res.destroy());
      return;
    default:
      res.statusCode = 404;
      res.end('not found');
  }
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function check(cfg: Record<string, unknown>, now?: () => number) {
  return httpCheck.create(httpCheck.configSchema.parse(cfg), testDeps(now ? { now } : {}));
}

let plain: Server;
let secure: Server;
let expiring: Server;
let base: string;
let secureBase: string;
let expiringBase: string;
let longCert: { certPath: string };
let shortCert: { certPath: string };

beforeAll(async () => {
  const long = makeCert('localhost', 365);
  longCert = long;
  shortCert = makeCert('expiring', 3);
  const short = { key: readFileSync(join(dir, 'expiring.key'), 'utf8'), cert: readFileSync(shortCert.certPath, 'utf8') };
  plain = createHttpServer(routes);
  secure = createHttpsServer({ key: long.key, cert: long.cert }, routes);
  expiring = createHttpsServer(short, routes);
  base = `http://127.0.0.1:${await listen(plain)}`;
  secureBase = `https://127.0.0.1:${await listen(secure)}`;
  expiringBase = `https://localhost:${await listen(expiring)}`;
});

afterAll(async () => {
  for (const release of held) release();
  await Promise.all([plain, secure, expiring].filter(Boolean).map(close));
  rmSync(dir, { recursive: true, force: true });
});

describe('http check over plain HTTP', () => {
  it('ok: 200 with the expected keyword, metrics present', async () => {
    const result = await check({ url: `${base}/ok`, contains: 'nominal' }).run(neverAbort());
    expect(result.state).toBe('ok');
    expect(result.message).toMatch(/^HTTP 200 in [\d.]+ ms$/);
    expect(result.metrics).toMatchObject({ up: 1, status_code: 200, redirects: 0, body_bytes: 34 });
    expect(result.metrics.response_ms).toBeGreaterThan(0);
    expect(result.metrics.cert_days_left).toBeUndefined();
  });

  it('crit: status not in the default 200-399', async () => {
    const result = await check({ url: `${base}/error` }).run(neverAbort());
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/^status 503 not in 200-399/);
    expect(result.metrics.status_code).toBe(503);
  });

  it('ok: an explicitly expected non-2xx status', async () => {
    expect((await check({ url: `${base}/error`, expected_status: [503] }).run(neverAbort())).state).toBe('ok');
    expect((await check({ url: `${base}/created`, expected_status: '200-200' }).run(neverAbort())).state).toBe('crit');
  });

  it('crit: keyword missing, and forbidden keyword present', async () => {
    const missing = await check({ url: `${base}/ok`, contains: 'welcome' }).run(neverAbort());
    expect(missing.state).toBe('crit');
    expect(missing.message).toMatch(/body does not contain "welcome"/);
    const forbidden = await check({ url: `${base}/error`, expected_status: 503, not_contains: 'maintenance' }).run(neverAbort());
    expect(forbidden.state).toBe('crit');
    expect(forbidden.message).toMatch(/body contains "maintenance"/);
  });

  it('follows redirects (bounded) and judges the 3xx itself with max_redirects 0', async () => {
    const followed = await check({ url: `${base}/redirect`, contains: 'hello' }).run(neverAbort());
    expect(followed.state).toBe('ok');
    expect(followed.metrics.redirects).toBe(1);
    expect(followed.details?.final_url).toBe(`${base}/ok`);
    const notFollowed = await check({ url: `${base}/redirect`, max_redirects: 0, expected_status: 200 }).run(neverAbort());
    expect(notFollowed.state).toBe('crit');
    expect(notFollowed.message).toMatch(/status 302 not in 200/);
    const loop = await check({ url: `${base}/loop`, max_redirects: 3 }).run(neverAbort());
    expect(loop.metrics.redirects).toBe(3);
    expect(loop.metrics.status_code).toBe(302);
  });

  it('sends method, headers and body', async () => {
    const result = await check({ url: `${base}/echo`, method: 'POST', headers: { 'X-Probe': 'yes' }, body: '{}', contains: 'POST yes null' }).run(neverAbort());
    expect(result.state).toBe('ok');
  });

  it('drops credentials when a redirect changes origin', async () => {
    const sameOrigin = await check({ url: `${base}/echo`, headers: { Authorization: 'Bearer s3cret' }, contains: '"Bearer s3cret"' }).run(neverAbort());
    expect(sameOrigin.state).toBe('ok');
    const cross = await check({
      url: `${base}/cross-origin`,
      headers: { Authorization: 'Bearer s3cret', 'X-Probe': 'kept' },
      insecure_skip_verify: true,
      contains: 'GET kept null',
    }).run(neverAbort());
    expect(cross.state).toBe('ok');
  });

  it('warn/crit on latency thresholds', async () => {
    const result = await check({ url: `${base}/ok`, warn_ms: 0.000001 }).run(neverAbort());
    expect(result.state).toBe('warn');
    expect(result.message).toMatch(/response time .* >= 0.000001 ms/);
    expect((await check({ url: `${base}/ok`, crit_ms: 0.000001 }).run(neverAbort())).state).toBe('crit');
  });

  it('crit "timed out" when the runner signal aborts a hanging response', async () => {
    const result = await check({ url: `${base}/hang` }).run(AbortSignal.timeout(200));
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/\/hang: timed out after/);
    expect(result.metrics.up).toBe(0);
  });

  it('an abort with a reason (as the runner aborts) is still reported as timed out', async () => {
    const controller = new AbortController();
    const run = check({ url: `${base}/hang` }).run(controller.signal);
    controller.abort(new Error('timed out after 1s'));
    expect((await run).message).toMatch(/\/hang: timed out after/);
  });

  it('crit "timed out" when the abort lands while the body is still arriving', async () => {
    const result = await check({ url: `${base}/trickle` }).run(AbortSignal.timeout(300));
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/\/trickle: timed out after/);
  });

  it('crit on connection refused', async () => {
    const port = await freePort();
    const result = await check({ url: `http://127.0.0.1:${port}/` }).run(neverAbort());
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/ECONNREFUSED/);
  });
});

describe('http check over HTTPS', () => {
  it('ok with a trusted CA file; reports days to expiry and subject', async () => {
    const result = await check({ url: `${secureBase}/ok`, ca: longCert.certPath }).run(neverAbort());
    expect(result.state).toBe('ok');
    expect(result.metrics.cert_days_left).toBeGreaterThan(360);
    expect(result.metrics.cert_days_left).toBeLessThanOrEqual(365);
    expect(result.details).toMatchObject({ cert_subject: 'localhost', cert_issuer: 'localhost' });
  });

  it('crit when the certificate is not trusted, ok again with insecure_skip_verify', async () => {
    const untrusted = await check({ url: `${secureBase}/ok` }).run(neverAbort());
    expect(untrusted.state).toBe('crit');
    expect(untrusted.message).toMatch(/SELF_SIGNED/);
    const skipped = await check({ url: `${secureBase}/ok`, insecure_skip_verify: true }).run(neverAbort());
    expect(skipped.state).toBe('ok');
    expect(skipped.metrics.cert_days_left).toBeGreaterThan(360);
  });

  it('warn when days to expiry fall under cert_warn_days', async () => {
    const result = await check({ url: `${secureBase}/ok`, ca: longCert.certPath, cert_warn_days: 400, cert_crit_days: 30 }).run(neverAbort());
    expect(result.state).toBe('warn');
    expect(result.message).toMatch(/certificate "localhost" of 127.0.0.1 expires in .* days \(<= 400\)/);
  });

  it('crit for a certificate expiring in 3 days (default crit 7)', async () => {
    const result = await check({ url: `${expiringBase}/ok`, ca: shortCert.certPath }).run(neverAbort());
    expect(result.state).toBe('crit');
    expect(result.metrics.cert_days_left).toBeGreaterThan(2);
    expect(result.metrics.cert_days_left).toBeLessThanOrEqual(3);
    expect(result.message).toMatch(/expires in .* days \(<= 7\)/);
  });

  it('crit once the certificate has expired (clock injected 4 days ahead)', async () => {
    const later = () => Date.now() + 4 * 86_400_000;
    const result = await check({ url: `${expiringBase}/ok`, ca: shortCert.certPath }, later).run(neverAbort());
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/expired .* days ago/);
  });

  it('a missing CA file is a broken check: create throws naming the key', () => {
    expect(() => check({ url: `${secureBase}/ok`, ca: join(dir, 'missing.pem') })).toThrow(/^ca: cannot read .*missing\.pem/);
  });
});
