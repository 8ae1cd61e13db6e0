/** backup check against real files (chosen mtimes and sizes), real status files and real child processes. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupCheck } from '../../../../../agent/checks/backup/check.js';
import { runCheck } from '../../../../../agent/runner.js';
import { waitUntil } from '../../../../helpers/wait.js';
import { countProcesses } from '../../../../helpers/procs.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

const root = mkdtempSync(join(tmpdir(), 'outpost-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const H = 3_600_000;
const NOW = Date.parse('2024-05-10T12:00:00Z');

function writeBackup(path: string, bytes: number, mtimeMs: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes, 1));
  utimesSync(path, mtimeMs / 1000, mtimeMs / 1000);
}

function check(cfg: Record<string, unknown>, stateDir = mkdtempSync(join(root, 'state-')), timeoutMs?: number) {
  return backupCheck.create(backupCheck.configSchema.parse(cfg), testDeps({ now: () => NOW, stateDir, ...(timeoutMs === undefined ? {} : { timeoutMs }) }));
}

describe('backup check on files', () => {
  it('newest file of a recursive glob: ok, then late when it ages past max_age', async () => {
    const dir = join(root, 'db');
    writeBackup(join(dir, '2024-05-08', 'db.sql.gz'), 2000, NOW - 50 * H);
    writeBackup(join(dir, '2024-05-09', 'db.sql.gz'), 2100, NOW - 26 * H);
    writeBackup(join(dir, '2024-05-10', 'db.sql.gz'), 2200, NOW - 2 * H);
    writeBackup(join(dir, '2024-05-10', 'notes.txt'), 5, NOW - H); // does not match
    const ok = await check({ path: `${dir}/**/*.sql.gz`, max_age: '26h' }).run(neverAbort());
    expect(ok.state).toBe('ok');
    expect(ok.metrics).toEqual({ age_s: 7200, size_bytes: 2200, file_count: 3 });
    expect(ok.details).toMatchObject({ status: 'ok', newest_file: join(dir, '2024-05-10', 'db.sql.gz') });

    rmSync(join(dir, '2024-05-10'), { recursive: true });
    const late = await check({ path: `${dir}/**/*.sql.gz`, max_age: '25h' }).run(neverAbort());
    expect(late.state).toBe('crit');
    expect(late.details?.status).toBe('late');
    expect(late.message).toContain('> max_age 1d1h');
    expect(late.metrics.age_s).toBe(26 * 3600);
  });

  it('never: the directory is missing or nothing matches', async () => {
    const none = await check({ path: `${root}/absent/*.tar`, max_age: '1d' }).run(neverAbort());
    expect([none.state, none.details?.status, none.message]).toEqual(['crit', 'never', `no successful backup: no file matches (${root}/absent/*.tar)`]);
  });

  it('schedule in Asia/Shanghai with grace', async () => {
    const dir = join(root, 'nightly');
    // 2024-05-10 03:10 Shanghai = 05-09 19:10 UTC: the 03:00 run has produced its file.
    writeBackup(join(dir, 'n.tar'), 10, Date.parse('2024-05-09T19:10:00Z'));
    const cfg = { path: `${dir}/*.tar`, schedule: '0 3 * * *', timezone: 'Asia/Shanghai', grace: '30m' };
    expect((await check(cfg).run(neverAbort())).state).toBe('ok');
    writeBackup(join(dir, 'n.tar'), 10, Date.parse('2024-05-09T18:50:00Z')); // before the run was due
    const late = await check(cfg).run(neverAbort());
    expect(late.details).toMatchObject({ status: 'late', expected_since: '2024-05-09T19:00:00.000Z' });
  });

  it('zero bytes, min_size and min_files', async () => {
    const dir = join(root, 'small');
    writeBackup(join(dir, 'a.bak'), 0, NOW - H);
    const empty = await check({ path: `${dir}/*.bak`, max_age: '1d' }).run(neverAbort());
    expect([empty.details?.status, empty.message]).toEqual(['too_small', `backup is empty (0 bytes) (${dir}/*.bak)`]);
    writeBackup(join(dir, 'b.bak'), 500, NOW - 30 * 60_000);
    const below = await check({ path: `${dir}/*.bak`, max_age: '1d', min_size: '1KB', min_files: 3 }).run(neverAbort());
    expect(below.message).toBe(`backup size 500 B < min_size 1000 B; 2 files match, expected at least 3 (${dir}/*.bak)`);
    expect(below.metrics).toMatchObject({ size_bytes: 500, file_count: 2 });
  });

  it('size history in the state dir: a backup under half the median of earlier ones is too small', async () => {
    const dir = join(root, 'hist');
    const stateDir = mkdtempSync(join(root, 'state-'));
    const instance = check({ path: `${dir}/*.dump`, max_age: '7d' }, stateDir);
    for (const [day, size] of [[1, 1000], [2, 1100], [3, 900], [4, 1000]] as const) {
      writeBackup(join(dir, `d${day}.dump`), size, NOW - (10 - day) * H);
      const o = await instance.run(neverAbort());
      expect(o.state).toBe('ok');
      expect(await instance.run(neverAbort())).toMatchObject({ state: 'ok' }); // re-checking the same file adds nothing
    }
    const history = JSON.parse(readFileSync(join(stateDir, 'backup-size-history.json'), 'utf8')) as unknown[];
    expect(history).toHaveLength(4);
    writeBackup(join(dir, 'd5.dump'), 450, NOW - H);
    // A fresh instance over the same state dir (an agent restart) still knows the history.
    const shrunk = await check({ path: `${dir}/*.dump`, max_age: '7d' }, stateDir).run(neverAbort());
    expect(shrunk.details?.status).toBe('too_small');
    expect(shrunk.message).toBe(`backup size 450 B is 45% of the median 1000 B of the last 4 (< 50%) (${dir}/*.dump)`);
    expect(shrunk.metrics).toMatchObject({ size_bytes: 450, size_median_bytes: 1000 });
  });

  it('the first run is seeded from the backups already on disk: a newest file 90 % smaller than the others is crit at once', async () => {
    const dir = join(root, 'seed');
    for (const day of [1, 2, 3, 4, 5]) writeBackup(join(dir, `d${day}.tar`), 10_000 + day, NOW - (10 - day) * H);
    writeBackup(join(dir, 'd6.tar'), 1000, NOW - H);
    const stateDir = mkdtempSync(join(root, 'state-'));
    const first = await check({ path: `${dir}/*.tar`, max_age: '1d' }, stateDir).run(neverAbort());
    expect(first.state).toBe('crit');
    expect(first.details?.status).toBe('too_small');
    expect(first.message).toBe(`backup size 1000 B is 10% of the median 10003 B of the last 5 (< 50%) (${dir}/*.tar)`);
    expect(first).toMatchObject({ code: 'backup.too_small', params: { size: 1000, median: 10_003, percent: 10, drop_percent: 50, count: 5 } });
    // the seeded sizes are kept: the history holds the five on disk and the newest
    expect(JSON.parse(readFileSync(join(stateDir, 'backup-size-history.json'), 'utf8'))).toHaveLength(6);
  });
});

describe('backup check on status files', () => {
  const file = join(root, 'status');
  const run = (cfg: Record<string, unknown> = {}) => check({ status_file: file, max_age: '1d', ...cfg }).run(neverAbort());

  it('json success, key=value failure with the exit code, missing file = never', async () => {
    writeFileSync(file, JSON.stringify({ exit_code: 0, finished_at: new Date(NOW - 3 * H).toISOString() }));
    expect(await run()).toMatchObject({ state: 'ok', metrics: { age_s: 3 * 3600 }, details: { status: 'ok' } });

    writeFileSync(file, `exit_code=12\nfinished_at=${(NOW - H) / 1000}\nlast_success_at=2024-05-09T11:00:00Z\n`);
    const failed = await run();
    expect(failed.state).toBe('crit');
    expect(failed.details?.status).toBe('failed');
    expect(failed.message).toBe(`last backup run failed with exit code 12 at 2024-05-10T11:00:00.000Z; last success 1d1h ago (2024-05-09T11:00:00.000Z) > max_age 1d (${file})`);
    expect(failed.metrics).toEqual({ exit_code: 12, age_s: 25 * 3600 });

    rmSync(file);
    expect(await run()).toMatchObject({ state: 'crit', message: `no successful backup: status file does not exist (${file})`, details: { status: 'never' } });
  });

  it.each([
    ['{"exit_code":0}', 'finished_at: missing'],
    ['{"exit_code":"ok","finished_at":"2024-05-10T00:00:00Z"}', 'exit_code: must be an integer, got "ok"'],
    ['exit_code=0\nfinished_at=tomorrow', 'finished_at: not a time: "tomorrow"'],
    ['{"exit_code":0,', 'invalid JSON'],
  ])('bad content %j → crit naming the field', async (text, problem) => {
    writeFileSync(file, text);
    const o = await run();
    expect(o.state).toBe('crit');
    expect(o.message).toContain(`invalid status file ${file}: ${problem}`);
  });
});

describe('backup check running a command', () => {
  const script = join(root, 'fake-restic.mjs');
  writeFileSync(
    script,
    `const mode = process.argv[2];
     if (mode === 'fail') { process.stderr.write('Fatal: unable to open repository'); process.exit(1); }
     if (mode === 'hang') { require('node:fs').writeFileSync(process.argv[3], String(process.pid)); setInterval(() => {}, 1000); }
     else process.stdout.write(JSON.stringify(mode === 'empty' ? [] : [{ time: '2024-05-10T09:00:00Z', id: 'b' }, { time: '2024-05-09T09:00:00Z', id: 'a' }]));`.replace('require(\'node:fs\')', "(await import('node:fs'))"),
  );
  const cmd = (...args: string[]) => [process.execPath, script, ...args];

  it('restic-like JSON: the latest snapshot time decides', async () => {
    const o = await check({ command: cmd('list'), max_age: '26h' }).run(neverAbort());
    expect(o).toMatchObject({ state: 'ok', metrics: { age_s: 3 * 3600 }, details: { status: 'ok', last_success: '2024-05-10T09:00:00.000Z' } });
    expect(o.message).toContain(': 2 snapshots)');
  });

  it('no snapshot = never; non-zero exit = failed with stderr', async () => {
    expect((await check({ command: cmd('empty'), max_age: '26h' }).run(neverAbort())).details?.status).toBe('never');
    const failed = await check({ command: cmd('fail'), max_age: '26h' }).run(neverAbort());
    expect(failed).toMatchObject({ state: 'crit', metrics: { exit_code: 1 }, details: { status: 'failed' } });
    expect(failed.message).toContain('exited with code 1: Fatal: unable to open repository');
  });

  it('a missing binary is a broken check (throws → unknown from the runner)', async () => {
    const outcome = await runCheck(check({ command: [join(root, 'no-such-tool')], max_age: '1d' }), 5000, () => NOW);
    expect(outcome.observation.state).toBe('unknown');
    expect(outcome.observation.message).toContain('cannot run');
    expect(outcome.observation.message).toContain('ENOENT');
  });

  it('a hanging command is killed when the runner times out', async () => {
    const pidFile = join(root, 'hang.pid');
    const outcome = runCheck(check({ command: cmd('hang', pidFile), max_age: '1d' }), 1500, () => NOW);
    const pid = Number(await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8'), 10_000, 'the command to start'));
    const result = await outcome;
    expect(result.observation).toMatchObject({ state: 'unknown', message: 'timed out after 1.5s' });
    await result.settled;
    await waitUntil(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true; // ESRCH: gone
      }
    }, 10_000, 'the hung command to be killed');
  });

  it('a command that outlives its timeout is killed with its whole process group: crit, and no orphan survives', async () => {
    const marker = ['sleep', '987.123'];
    // a wrapper script whose children (one in the background) would survive a kill of the script alone
    const wrapper = ['/bin/sh', '-c', `${marker.join(' ')} & ${marker.join(' ')}; echo never`];
    const outcome = runCheck(check({ command: wrapper, max_age: '1d' }, undefined, 1500), 1500, () => NOW);
    await waitUntil(() => countProcesses(marker) === 2, 10_000, 'both children to start');
    const { observation, settled } = await outcome;
    expect(observation).toMatchObject({ state: 'crit', code: 'backup.command_timeout', params: { seconds: 1.35 } });
    expect(observation.message).toBe(`${wrapper.join(' ')} did not finish within 1.35s and was killed with its process group`);
    await settled;
    await waitUntil(() => countProcesses(marker) === 0, 10_000, 'no child of the command to survive');
  });

  it('an abort before the run starts rejects at once', async () => {
    const controller = new AbortController();
    controller.abort(new Error('timed out after 1s'));
    await expect(check({ command: cmd('list'), max_age: '1d' }).run(controller.signal)).rejects.toThrow('timed out after 1s');
  });

  it('generic JSON with time_field, and unreadable output', async () => {
    const gen = join(root, 'gen.mjs');
    writeFileSync(gen, `process.stdout.write(process.argv[2] === 'bad' ? 'oops' : JSON.stringify({ runs: [{ end: 1715331600 }] }))`);
    const ok = await check({ command: [process.execPath, gen], time_field: '.runs[-1].end', max_age: '1d' }).run(neverAbort());
    expect(ok).toMatchObject({ state: 'ok', details: { last_success: '2024-05-10T09:00:00.000Z' } });
    const bad = await check({ command: [process.execPath, gen, 'bad'], time_field: '.runs[-1].end', max_age: '1d' }).run(neverAbort());
    expect(bad.state).toBe('crit');
    expect(bad.message).toContain('cannot read the output of');
    expect(bad.message).toContain('output is not JSON');
  });
});
