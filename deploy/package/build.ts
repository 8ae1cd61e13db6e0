/**
 * `npm run package [-- --version X.Y.Z] [--out DIR] [--no-sea]`: builds the agent's shipping files from this
 * checkout into dist/packages/ (needs esbuild and postject from devDependencies, dpkg-deb, rpmbuild, tar):
 *   outpost-agent-<v>.tar.gz          outpost-agent.js + install.sh + unit + agent.example.yaml + agent.env
 *   outpost-agent-<v>-linux-x64       single executable (Node runtime inside; only on linux-x64)
 *   outpost-agent_<v>_all.deb         outpost-agent-<v>-1.noarch.rpm        (node ≥ 20 + outpost-agent.js)
 *   outpost-agent-bin_<v>_amd64.deb   outpost-agent-bin-<v>-1.x86_64.rpm    (the single executable)
 *   SHA256SUMS
 * --version overrides package.json's version (tests build two versions to check upgrades in place).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleAgent } from './bundle.js';
import { buildDeb } from './deb.js';
import { buildRpm } from './rpm.js';
import { buildSea } from './sea.js';

const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/;

function tarball(root: string, bundle: string, version: string, work: string, outDir: string): string {
  const dir = join(work, 'tar');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'outpost-agent.js': bundle,
    'install.sh': join(root, 'deploy/package/files/install.sh'),
    'outpost-agent.service': join(root, 'deploy/package/files/outpost-agent.service'),
    'agent.example.yaml': join(root, 'deploy/agent.example.yaml'),
    'agent.env': join(root, 'deploy/package/files/agent.env'),
  };
  for (const [name, source] of Object.entries(files)) copyFileSync(source, join(dir, name));
  const out = join(outDir, `outpost-agent-${version}.tar.gz`);
  execFileSync('tar', ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, ...Object.keys(files)]);
  return out;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const { values } = parseArgs({ options: { version: { type: 'string' }, out: { type: 'string' }, 'no-sea': { type: 'boolean' } } });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const version = values.version ?? pkg.version;
  if (!VERSION_PATTERN.test(version)) throw new Error(`--version: "${version}" is not a version like 1.2.3 or 1.2.3-rc.1`);
  const outDir = resolve(values.out ?? join(root, 'dist/packages'));
  mkdirSync(outDir, { recursive: true });
  // this build's files only: a stale single executable or package of an earlier build must not ship with it
  for (const f of readdirSync(outDir)) if (/^outpost-agent[-_]/.test(f) || f === 'SHA256SUMS') rmSync(join(outDir, f), { force: true });
  const work = join(outDir, '.work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const built: string[] = [];
  const bundle = join(work, 'outpost-agent.js');
  await bundleAgent({ root, version, outfile: bundle });
  chmodSync(bundle, 0o755);
  built.push(tarball(root, bundle, version, work, outDir));
  const common = { root, version, work, outDir };
  built.push(buildDeb({ ...common, flavour: 'node', agent: bundle }), buildRpm({ ...common, flavour: 'node', agent: bundle }));
  if (values['no-sea']) process.stderr.write('package: --no-sea: no single executable, no outpost-agent-bin packages\n');
  else if (process.platform !== 'linux' || process.arch !== 'x64') process.stderr.write(`package: the single executable is built on linux-x64 only (this is ${process.platform}-${process.arch})\n`);
  else {
    const sea = join(outDir, `outpost-agent-${version}-linux-x64`);
    buildSea({ root, bundle, out: sea, work });
    built.push(sea, buildDeb({ ...common, flavour: 'bin', agent: sea }), buildRpm({ ...common, flavour: 'bin', agent: sea }));
  }
  rmSync(work, { recursive: true, force: true });
  const sums = built.map((f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${basename(f)}`);
  writeFileSync(join(outDir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  for (const f of built) process.stdout.write(`${(statSync(f).size / 1024 / 1024).toFixed(1).padStart(6)} MiB  ${f}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
