/**
 * Builds dist/ (and the console into dist/web) once before any test file runs, so tests that spawn `node dist/bin/outpost.js` never race a rebuild.
 * test/run.sh has just built and sets OUTPOST_TEST_BUILT=1 to skip it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  // Once per run: each project (sqlite, postgres) calls this setup in the same main process.
  if (process.env.OUTPOST_TEST_BUILT === '1') return;
  execFileSync(process.execPath, [join(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'inherit',
  });
  // The web console's static assets (dist/web), served by the collector at /.
  execFileSync(process.execPath, [join(import.meta.dirname, '../web/build.mjs')], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
  process.env.OUTPOST_TEST_BUILT = '1';
}
