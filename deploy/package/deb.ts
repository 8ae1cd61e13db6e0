/** The .deb of each flavour, built with dpkg-deb from the staged layout (./layout.ts) and ./files/maint.sh. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentLayout, PACKAGE_NAME, stageLayout, type Flavour } from './layout.js';

export interface PackageInputs {
  root: string;
  flavour: Flavour;
  version: string;
  /** outpost-agent.js or the single executable. */
  agent: string;
  /** A fresh directory for staging. */
  work: string;
  outDir: string;
}

export const MAINTAINER = 'Outpost maintainers <outpost@localhost>';
export const SUMMARY = 'Outpost monitoring agent: host, service, network and backup checks published over MQTT';
export const DESCRIPTION: Record<Flavour, string> = {
  node: 'The agent as one JavaScript file run by the system\'s Node.js 20 or later (any architecture).',
  bin: 'The agent as a single executable with the Node.js runtime inside (x86-64, needs no Node.js).',
};

/** sh script = shebang + the shared functions + `body`. */
export function maintScript(root: string, body: string): string {
  return `#!/bin/sh\nset -e\n${readFileSync(join(root, 'deploy/package/files/maint.sh'), 'utf8')}\n${body}\n`;
}

/** The bodies of the .deb's maintainer scripts (after ./files/maint.sh); dpkg passes the action and old version. */
export const DEB_SCRIPTS = {
  postinst: 'case "$1" in\n  configure)\n    outpost_user\n    outpost_perms\n    if [ -z "$2" ]; then outpost_first_start; else outpost_restart; fi ;;\nesac',
  prerm: 'case "$1" in\n  remove|deconfigure) outpost_stop ;;\nesac',
  postrm: 'case "$1" in\n  remove) outpost_daemon_reload ;;\n  purge) outpost_purge; outpost_daemon_reload ;;\nesac',
} as const;

export function buildDeb(p: PackageInputs): string {
  const name = PACKAGE_NAME[p.flavour];
  const other = PACKAGE_NAME[p.flavour === 'node' ? 'bin' : 'node'];
  const arch = p.flavour === 'node' ? 'all' : 'amd64';
  const stage = join(p.work, `deb-${name}`);
  const entries = agentLayout(p.flavour, { root: p.root, agent: p.agent });
  stageLayout(entries, stage);
  const control = join(stage, 'DEBIAN');
  mkdirSync(control, { mode: 0o755 });
  const installedKiB = execFileSync('du', ['-sk', '--exclude=DEBIAN', stage], { encoding: 'utf8' }).split('\t')[0];
  const fields = [
    `Package: ${name}`,
    `Version: ${p.version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${installedKiB}`,
    ...(p.flavour === 'node' ? ['Depends: nodejs (>= 20)'] : []),
    `Conflicts: ${other}`,
    `Replaces: ${other}`,
    'Section: admin',
    'Priority: optional',
    `Description: ${SUMMARY}`,
    ` ${DESCRIPTION[p.flavour]}`,
    ' Config /etc/outpost/agent.yaml, run profile and MQTT password /etc/outpost/agent.env,',
    ' spool and seq state /var/lib/outpost-agent; systemd unit outpost-agent.service.',
  ];
  writeFileSync(join(control, 'control'), `${fields.join('\n')}\n`);
  const conffiles = entries.filter((e) => e.kind === 'file' && e.config).map((e) => e.path);
  writeFileSync(join(control, 'conffiles'), `${conffiles.join('\n')}\n`);
  for (const [script, body] of Object.entries(DEB_SCRIPTS)) writeFileSync(join(control, script), maintScript(p.root, body), { mode: 0o755 });
  const out = join(p.outDir, `${name}_${p.version}_${arch}.deb`);
  // gzip: readable by every dpkg in the field, and several times faster than xz on the ~95 MB executable
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', stage, out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}
