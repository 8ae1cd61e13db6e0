/**
 * The installed layout of the agent packages, one list for the .deb and the .rpm (and the tarball's install.sh
 * installs the same paths): /usr/bin/outpost-agent → /usr/lib/outpost-agent/<the agent>, the systemd unit,
 * /etc/outpost/agent.yaml and agent.env (config files: kept on upgrade and removal), /var/lib/outpost-agent.
 */
import { chmodSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `node`: outpost-agent.js run by the system's Node ≥ 20 (any architecture); `bin`: the single executable. */
export type Flavour = 'node' | 'bin';

export const PACKAGE_NAME: Record<Flavour, string> = { node: 'outpost-agent', bin: 'outpost-agent-bin' };

export type LayoutEntry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; source: string; config?: boolean }
  | { kind: 'link'; path: string; target: string };

export interface LayoutInputs {
  /** The checkout's root. */
  root: string;
  /** outpost-agent.js (node) or the single executable (bin). */
  agent: string;
}

export function agentLayout(flavour: Flavour, inputs: LayoutInputs): LayoutEntry[] {
  const files = (name: string): string => join(inputs.root, 'deploy/package/files', name);
  const example = join(inputs.root, 'deploy/agent.example.yaml');
  const program = flavour === 'node' ? 'outpost-agent.js' : 'outpost-agent';
  return [
    { kind: 'dir', path: '/etc/outpost', mode: 0o750 },
    { kind: 'file', path: '/etc/outpost/agent.yaml', mode: 0o640, source: example, config: true },
    { kind: 'file', path: '/etc/outpost/agent.env', mode: 0o640, source: files('agent.env'), config: true },
    { kind: 'dir', path: '/usr/lib/outpost-agent', mode: 0o755 },
    { kind: 'file', path: `/usr/lib/outpost-agent/${program}`, mode: 0o755, source: inputs.agent },
    { kind: 'link', path: '/usr/bin/outpost-agent', target: `../lib/outpost-agent/${program}` },
    { kind: 'file', path: '/usr/lib/systemd/system/outpost-agent.service', mode: 0o644, source: files('outpost-agent.service') },
    { kind: 'dir', path: '/usr/share/outpost-agent', mode: 0o755 },
    { kind: 'file', path: '/usr/share/outpost-agent/agent.example.yaml', mode: 0o644, source: example },
    { kind: 'dir', path: '/var/lib/outpost-agent', mode: 0o750 },
  ];
}

/** Copies the layout under `stage` (a package's root), creating parent directories 0755. */
export function stageLayout(entries: readonly LayoutEntry[], stage: string): void {
  for (const entry of entries) {
    const at = join(stage, entry.path);
    mkdirSync(dirname(at), { recursive: true, mode: 0o755 });
    if (entry.kind === 'dir') {
      mkdirSync(at, { recursive: true });
      chmodSync(at, entry.mode);
    } else if (entry.kind === 'file') {
      copyFileSync(entry.source, at);
      chmodSync(at, entry.mode);
    } else symlinkSync(entry.target, at);
  }
}
