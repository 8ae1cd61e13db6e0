/** `outpost maintenance add|list|rm` in-process against a real collector's API on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutpost } from '../../../helpers/cli.js';
import { ADMIN, OPERATOR, startTestCollector, type TestCollector } from '../support.js';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(() => collector.running.stop());

const outpost = (args: string[], token: string | undefined = ADMIN) =>
  runOutpost(['maintenance', ...args, '--url', `http://127.0.0.1:${collector.running.apiPort}`], { OUTPOST_TOKEN: token });

describe('outpost maintenance', () => {
  it('add prints the id; list shows it; rm deletes it and list --all keeps it for audit', async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const added = await outpost(['add', '--name', 'db patch', '--reason', 'kernel update', '--target', 'db-1,db-2', '--start', start, '--end', end]);
    expect(added).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const weekly = await outpost(['add', '--name', 'weekly', '--reason', 'backup window', '--group', 'core', '--cron', '0 22 * * 2', '--duration', '2h']);
    expect(weekly.stdout).toBe('2\n');
    const list = await outpost(['list'], OPERATOR);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('db patch');
    expect(list.stdout).toContain('db-1,db-2');
    expect(list.stdout).toContain('0 22 * * 2 for 7200s');
    expect(await outpost(['rm', '1'])).toEqual({ code: 0, stdout: 'deleted 1 (db patch)\n', stderr: '' });
    expect((await outpost(['list'])).stdout).not.toContain('db patch');
    expect((await outpost(['list', '--all'])).stdout).toMatch(/db patch .*deleted/);
  });

  it('bad input exits 2 with the API\'s field message; too low a role exits 1; no token exits 2', async () => {
    const bad = await outpost(['add', '--name', 'x', '--reason', 'y', '--cron', '0 22 * * 2']);
    expect(bad).toMatchObject({ code: 2, stderr: 'outpost: 400 invalid body (body.duration: a recurring window needs a duration)\n' });
    const denied = await outpost(['rm', '2'], OPERATOR);
    expect(denied).toMatchObject({ code: 1, stderr: 'outpost: 403 role operator may not do this (needs admin)\n' });
    expect((await outpost(['rm', 'abc'])).code).toBe(2);
    expect(await outpost(['list'], '')).toMatchObject({ code: 2, stderr: 'outpost: no API token: pass --token or set OUTPOST_TOKEN\n' });
    expect((await outpost(['rm', '99'])).stderr).toBe('outpost: 404 maintenance window 99 not found\n');
  });
});
