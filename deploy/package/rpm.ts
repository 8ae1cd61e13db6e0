/**
 * The .rpm of each flavour, built with rpmbuild (Debian's `rpm` package) from the same staged layout as the
 * .deb. Config files are `%config(noreplace)`: an upgrade keeps the operator's file (the new one is written
 * beside it as .rpmnew); an erase keeps an edited file as .rpmsave.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESCRIPTION, maintScript, SUMMARY, type PackageInputs } from './deb.js';
import { agentLayout, PACKAGE_NAME, stageLayout, type LayoutEntry } from './layout.js';

/** rpm versions may not contain '-': a pre-release 1.2.0-rc.1 becomes 1.2.0~rc.1 (sorts before 1.2.0). */
export function rpmVersion(version: string): string {
  return version.replace(/-/g, '~');
}

function filesSection(entries: readonly LayoutEntry[]): string[] {
  return entries.map((e) => {
    if (e.kind === 'link') return e.path;
    const attr = `%attr(${e.mode.toString(8).padStart(4, '0')},root,root)`;
    if (e.kind === 'dir') return `%dir ${attr} ${e.path}`;
    return e.config ? `%config(noreplace) ${attr} ${e.path}` : `${attr} ${e.path}`;
  });
}

/** The .rpm's scriptlets (after ./files/maint.sh). Upgrade order: new %pre, new %post, old %preun, old %postun; $1 = instances left after the step. */
export const RPM_SCRIPTLETS = {
  '%pre': 'outpost_user',
  '%post': 'outpost_perms\nif [ "$1" -eq 1 ]; then outpost_first_start; fi',
  '%preun': 'if [ "$1" -eq 0 ]; then outpost_stop; rm -f "/etc/systemd/system/multi-user.target.wants/$OUTPOST_UNIT"; fi',
  '%postun': 'if [ "$1" -ge 1 ]; then outpost_restart; else outpost_daemon_reload; fi',
} as const;

export function buildRpm(p: PackageInputs): string {
  const name = PACKAGE_NAME[p.flavour];
  const other = PACKAGE_NAME[p.flavour === 'node' ? 'bin' : 'node'];
  const arch = p.flavour === 'node' ? 'noarch' : 'x86_64';
  const top = join(p.work, `rpm-${name}`);
  const stage = join(top, 'stage');
  const entries = agentLayout(p.flavour, { root: p.root, agent: p.agent });
  stageLayout(entries, stage);
  const spec = [
    // no stripping, no debuginfo, no automatic dependencies (the single executable needs only libc/libstdc++)
    '%global __os_install_post %{nil}',
    '%global debug_package %{nil}',
    '%global _build_id_links none',
    `Name: ${name}`,
    `Version: ${rpmVersion(p.version)}`,
    'Release: 1',
    `Summary: ${SUMMARY}`,
    'License: Apache-2.0',
    `BuildArch: ${arch}`,
    'AutoReqProv: no',
    ...(p.flavour === 'node' ? ['Requires: nodejs >= 20'] : []),
    `Conflicts: ${other}`,
    '',
    '%description',
    DESCRIPTION[p.flavour],
    '',
    '%install',
    `cp -a ${stage}/. %{buildroot}/`,
    '',
    '%files',
    ...filesSection(entries),
    '',
    ...Object.entries(RPM_SCRIPTLETS).flatMap(([section, body]) => [section, maintScript(p.root, body)]),
  ];
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  const specFile = join(top, 'SPECS', `${name}.spec`);
  writeFileSync(specFile, `${spec.join('\n')}\n`);
  // gzip payload: readable by every rpm in the field (old Kylin and openEuler included), fast to build
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', '_rpmdir %{_topdir}/RPMS', '--define', '_binary_payload w6.gzdio', specFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const dir = join(top, 'RPMS', arch);
  const built = readdirSync(dir).find((f) => f.endsWith('.rpm'));
  if (!built) throw new Error(`rpmbuild wrote no package into ${dir}`);
  const out = join(p.outDir, built);
  execFileSync('cp', [join(dir, built), out]);
  return out;
}
