/**
 * The packages' maintainer scripts where systemd runs. Test machines have no systemd as PID 1, so the package tests
 * cover only the "systemd is not running" branch; here each script that ships (maint.sh + the .deb's or .rpm's body)
 * runs in a private mount namespace whose /run holds `systemd/system` — the marker the scripts test — with a
 * `systemctl` on PATH that records its calls. The system-changing steps (user, permissions, purge) are replaced by
 * no-ops: the package tests run them for real.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEB_SCRIPTS, maintScript } from '../../../deploy/package/deb.js';
import { RPM_SCRIPTLETS } from '../../../deploy/package/rpm.js';
import { rootSkipReason } from '../../helpers/root.js';

const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'outpost-maint-'));
const log = join(dir, 'systemctl.log');
writeFileSync(join(dir, 'systemctl'), '#!/bin/sh\necho "$*" >> "$SYSTEMCTL_LOG"\ncase " $FAIL_ON " in *" $1 "*) exit 1 ;; esac\nexit 0\n');
chmodSync(join(dir, 'systemctl'), 0o755);

/** Replaces the steps that change the machine; the config check answers as the case says. */
const NO_OPS = 'outpost_user() { :; }\noutpost_perms() { :; }\noutpost_purge() { :; }\noutpost_config_valid() { [ "$CONFIG_VALID" = 1 ]; }\n';

interface Run { code: number | null; calls: string[]; stderr: string }

function run(body: string, args: string[], opts: { systemd: boolean; configValid?: boolean; failOn?: string }): Run {
  rmSync(log, { force: true });
  const script = join(dir, 'script.sh');
  writeFileSync(script, maintScript(root, NO_OPS + body), { mode: 0o755 });
  const setup = opts.systemd ? 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && ' : 'mount -t tmpfs tmpfs /run && ';
  const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${setup}exec sh "$0" "$@"`, script, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      SYSTEMCTL_LOG: log,
      CONFIG_VALID: opts.configValid === false ? '0' : '1',
      FAIL_ON: opts.failOn ?? '',
    },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { code: result.status, calls, stderr: result.stderr };
}

const UNIT = 'outpost-agent.service';
const skip = rootSkipReason('maintainer scripts in a private mount namespace');

describe.skipIf(skip !== null)('maintainer scripts where systemd runs', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('.deb', () => {
    it('first install enables and starts the unit when the config validates', () => {
      expect(run(DEB_SCRIPTS.postinst, ['configure'], { systemd: true })).toMatchObject({ code: 0, calls: [`enable ${UNIT}`, 'daemon-reload', `start ${UNIT}`] });
    });

    it('first install with the example config enables the unit but does not start it, and says what to edit', () => {
      const out = run(DEB_SCRIPTS.postinst, ['configure'], { systemd: true, configValid: false });
      expect(out).toMatchObject({ code: 0, calls: [`enable ${UNIT}`, 'daemon-reload'] });
      expect(out.stderr).toContain('edit /etc/outpost/agent.yaml');
    });

    it('a failing start does not fail the install: it points at the journal', () => {
      const out = run(DEB_SCRIPTS.postinst, ['configure'], { systemd: true, failOn: 'start' });
      expect(out).toMatchObject({ code: 0, calls: [`enable ${UNIT}`, 'daemon-reload', `start ${UNIT}`] });
      expect(out.stderr).toContain('journalctl -u outpost-agent');
    });

    it('an upgrade restarts a running agent on the new version (try-restart leaves a stopped one stopped)', () => {
      expect(run(DEB_SCRIPTS.postinst, ['configure', '0.9.0'], { systemd: true })).toMatchObject({ code: 0, calls: ['daemon-reload', `try-restart ${UNIT}`] });
    });

    it('removal stops the agent, then reloads systemd', () => {
      expect(run(DEB_SCRIPTS.prerm, ['remove'], { systemd: true })).toMatchObject({ code: 0, calls: [`stop ${UNIT}`] });
      expect(run(DEB_SCRIPTS.postrm, ['remove'], { systemd: true })).toMatchObject({ code: 0, calls: ['daemon-reload'] });
      expect(run(DEB_SCRIPTS.postrm, ['purge'], { systemd: true })).toMatchObject({ code: 0, calls: ['daemon-reload'] });
    });

    it('without systemd running: enabled for the next boot, nothing started, and the script still succeeds', () => {
      const out = run(DEB_SCRIPTS.postinst, ['configure'], { systemd: false });
      expect(out).toMatchObject({ code: 0, calls: [`enable ${UNIT}`] });
      expect(out.stderr).toContain('systemd is not running here');
      expect(run(DEB_SCRIPTS.postinst, ['configure', '0.9.0'], { systemd: false })).toMatchObject({ code: 0, calls: [] });
      expect(run(DEB_SCRIPTS.prerm, ['remove'], { systemd: false })).toMatchObject({ code: 0, calls: [] });
    });
  });

  describe('.rpm', () => {
    it('install (1 instance after %post) enables and starts; an upgrade (2) leaves the restart to the old %postun', () => {
      expect(run(RPM_SCRIPTLETS['%post'], ['1'], { systemd: true })).toMatchObject({ code: 0, calls: [`enable ${UNIT}`, 'daemon-reload', `start ${UNIT}`] });
      expect(run(RPM_SCRIPTLETS['%post'], ['2'], { systemd: true })).toMatchObject({ code: 0, calls: [] });
      expect(run(RPM_SCRIPTLETS['%postun'], ['1'], { systemd: true })).toMatchObject({ code: 0, calls: ['daemon-reload', `try-restart ${UNIT}`] });
    });

    it('erase (0 left) stops the agent, then reloads systemd; an upgrade\'s %preun stops nothing', () => {
      expect(run(RPM_SCRIPTLETS['%preun'], ['0'], { systemd: true })).toMatchObject({ code: 0, calls: [`stop ${UNIT}`] });
      expect(run(RPM_SCRIPTLETS['%preun'], ['1'], { systemd: true })).toMatchObject({ code: 0, calls: [] });
      expect(run(RPM_SCRIPTLETS['%postun'], ['0'], { systemd: true })).toMatchObject({ code: 0, calls: ['daemon-reload'] });
    });
  });
});
