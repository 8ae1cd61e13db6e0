/**
 * The single executable (Node's single-executable applications): a copy of this Node binary with the bundle
 * injected by postject. The bundle is CommonJS (Node 20 runs nothing else as the SEA's main script) and sets its
 * V8 flags itself (./entry.ts): the executable has no node command line.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fuse Node's binary carries for postject (the same in every Node release with SEA support). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SeaOptions {
  root: string;
  bundle: string;
  out: string;
  work: string;
  /** The Node binary copied into the executable (default: the one running this build). */
  node?: string;
}

export function buildSea(opts: SeaOptions): void {
  const node = opts.node ?? process.execPath;
  const config = join(opts.work, 'sea-config.json');
  const blob = join(opts.work, 'sea-prep.blob');
  writeFileSync(config, JSON.stringify({ main: opts.bundle, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  copyFileSync(node, opts.out);
  chmodSync(opts.out, 0o755);
  // Node builds may carry their debug info (this machine's: ~100 MB); the executable does not need it
  try {
    execFileSync('strip', ['--strip-debug', opts.out], { stdio: 'ignore' });
  } catch {
    // no binutils: the executable is only larger
  }
  // postject's ELF parser warns about Node's notes; its output is shown only if it fails (in the thrown error)
  execFileSync(process.execPath, [join(opts.root, 'node_modules/postject/dist/cli.js'), opts.out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
