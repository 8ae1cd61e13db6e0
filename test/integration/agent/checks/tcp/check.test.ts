import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpCheck } from '../../../../../agent/checks/tcp/check.js';
import { freePort } from '../../../../helpers/ports.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => socket.destroy());
  port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function check(cfg: Record<string, unknown>) {
  return tcpCheck.create(tcpCheck.configSchema.parse(cfg), testDeps());
}

describe('tcp check', () => {
  it('ok when a listener accepts', async () => {
    const result = await check({ host: '127.0.0.1', port }).run(neverAbort());
    expect(result.state).toBe('ok');
    expect(result.message).toMatch(new RegExp(`^connected to 127.0.0.1:${port} in [\\d.]+ ms$`));
    expect(result.metrics.up).toBe(1);
    expect(result.metrics.connect_ms).toBeGreaterThanOrEqual(0);
  });

  it('crit on connection refused', async () => {
    const closed = await freePort();
    const result = await check({ host: '127.0.0.1', port: closed }).run(neverAbort());
    expect(result).toEqual({ state: 'crit', message: `cannot connect to 127.0.0.1:${closed}: ECONNREFUSED`, code: 'tcp.connect_failed', params: { host: '127.0.0.1', port: closed, reason: 'ECONNREFUSED' }, metrics: { up: 0 } });
  });

  it('warn and crit on connect time thresholds', async () => {
    const warn = await check({ host: '127.0.0.1', port, warn_ms: 0.000001 }).run(neverAbort());
    expect(warn.state).toBe('warn');
    expect(warn.message).toMatch(/^connect time [\d.]+ ms >= 0.000001 ms$/);
    expect((await check({ host: '127.0.0.1', port, warn_ms: 0.000001, crit_ms: 0.000002 }).run(neverAbort())).state).toBe('crit');
    expect((await check({ host: '127.0.0.1', port, warn_ms: 60_000 }).run(neverAbort())).state).toBe('ok');
  });

  it('crit "timed out" when the signal is already aborted', async () => {
    const result = await check({ host: '127.0.0.1', port }).run(AbortSignal.abort());
    expect(result.state).toBe('crit');
    expect(result.message).toBe(`cannot connect to 127.0.0.1:${port}: timed out`);
  });
});
