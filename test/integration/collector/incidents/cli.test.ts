/**
 * `outpost incident …` commands run in-process (through bin/program.ts, as the binary runs them)
 * against a real API server on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runOutpost } from '../../../helpers/cli.js';
import { startIncidentsApiServer, type IncidentsApiServer } from './api-server.js';
import { freePort } from '../../../helpers/ports.js';

const T0 = Date.parse('2025-03-14T02:00:00Z');
let server: IncidentsApiServer;

beforeAll(async () => {
  server = await startIncidentsApiServer(T0);
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

const outpost = (args: string[], env: Record<string, string | undefined> = { OUTPOST_TOKEN: 'operator-token' }) => runOutpost(args, env);

const url = () => ['--url', server.url];

describe('outpost incident', () => {
  it('create prints the new number; show renders it in Asia/Shanghai time', async () => {
    const created = await outpost(['incident', 'create', ...url(), '--title', 'OA login fails', '--severity', 'P2', '--reporter', 'Zhang San']);
    expect(created).toEqual({ code: 0, stdout: 'INC-20250314-0001\n', stderr: '' });
    const shown = await outpost(['incident', 'show', 'INC-20250314-0001', ...url()], { OUTPOST_TOKEN: 'viewer-token' });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('INC-20250314-0001  P2  open  OA login fails');
    expect(shown.stdout).toContain('  reporter:        Zhang San');
    expect(shown.stdout).toContain('  opened:          2025-03-14 10:00:00');
    expect(shown.stdout).toContain('  2025-03-14 10:00:00  oscar       opened');
  });

  it('ack, note, resolve, close walk the lifecycle; --json prints the API body', async () => {
    await server.service.createManual({ title: 't', severity: 'P3' }, 'x');
    expect((await outpost(['incident', 'ack', 'INC-20250314-0001', ...url(), '--by', 'Wang Wu'])).code).toBe(0);
    expect((await outpost(['incident', 'note', 'INC-20250314-0001', 'checked', 'the', 'switch', ...url()])).code).toBe(0);
    const resolved = await outpost(['incident', 'resolve', 'INC-20250314-0001', ...url(), '--cause', 'bad cable', '--resolution', 'replaced', '--json']);
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ status: 'resolved', cause: 'bad cable', resolved_by: 'oscar' });
    expect((await outpost(['incident', 'close', 'INC-20250314-0001', ...url()])).code).toBe(0);
    const detail = await server.service.get('INC-20250314-0001');
    expect(detail?.timeline.map((e) => [e.kind, e.actor, e.note])).toEqual([
      ['opened', 'x', null],
      ['acknowledged', 'Wang Wu', null],
      ['note', 'oscar', 'checked the switch'],
      ['resolved', 'oscar', 'replaced'],
      ['closed', 'oscar', null],
    ]);
  });

  it('list shows a table with paging hints and passes filters', async () => {
    for (let i = 0; i < 3; i++) await server.service.createManual({ title: `ticket ${i}`, severity: i === 0 ? 'P1' : 'P4', target: 'db-1' }, 'x');
    const page = await outpost(['incident', 'list', ...url(), '--limit', '2']);
    expect(page.code).toBe(0);
    expect(page.stdout.split('\n')[0]).toMatch(/^NUMBER\s+SEV\s+STATUS\s+OPENED \(Asia\/Shanghai\)\s+TARGET\s+TITLE$/);
    expect(page.stdout).toContain('INC-20250314-0003  P4   open    2025-03-14 10:00:00     db-1    ticket 2');
    expect(page.stdout).toContain('1-2 of 3 (use --offset 2 for more)');
    const p1 = await outpost(['incident', 'list', ...url(), '--severity', 'P1', '--json']);
    expect(JSON.parse(p1.stdout)).toMatchObject({ total: 1, items: [{ number: 'INC-20250314-0001' }] });
    expect((await outpost(['incident', 'list', ...url(), '--status', 'closed'])).stdout).toBe('no incidents (total 0)\n');
  });

  it('409 and 404 exit 1 with the server reason; 400 exits 2 naming the field', async () => {
    await server.service.createManual({ title: 't', severity: 'P3' }, 'x');
    expect(await outpost(['incident', 'close', 'INC-20250314-0001', ...url()])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'outpost: 409 cannot close incident INC-20250314-0001: it is open\n',
    });
    expect((await outpost(['incident', 'show', 'INC-20250314-0099', ...url()])).stderr).toBe('outpost: 404 incident INC-20250314-0099 not found\n');
    const bad = await outpost(['incident', 'create', ...url(), '--title', 'x', '--severity', 'P7']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^outpost: 400 invalid body \(body\.severity: .+\)\n$/);
    expect((await outpost(['incident', 'list', ...url(), '--status', 'nope'])).stderr).toMatch(/query\.status\[0\]/);
  });

  it('token problems: none → exit 2, wrong → 401, viewer writing → 403', async () => {
    expect(await outpost(['incident', 'list', ...url()], {})).toEqual({ code: 2, stdout: '', stderr: 'outpost: no API token: pass --token or set OUTPOST_TOKEN\n' });
    expect((await outpost(['incident', 'list', ...url(), '--token', 'wrong'], {})).stderr).toBe('outpost: 401 invalid token\n');
    const denied = await outpost(['incident', 'create', ...url(), '--title', 't', '--severity', 'P3'], { OUTPOST_TOKEN: 'viewer-token' });
    expect(denied).toMatchObject({ code: 1, stderr: 'outpost: 403 role viewer may not do this (needs operator)\n' });
  });

  it('a missing required option is a commander usage error; an unreachable collector exits 1', async () => {
    const missing = await outpost(['incident', 'resolve', 'INC-20250314-0001', ...url(), '--cause', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--resolution <text>' not specified");
    const closedPort = await freePort();
    const down = await outpost(['incident', 'list', '--url', `http://127.0.0.1:${closedPort}`]);
    expect(down).toEqual({ code: 1, stdout: '', stderr: `outpost: cannot reach http://127.0.0.1:${closedPort}: ECONNREFUSED\n` });
  });
});
