/** The built CLI, compiled once by test/global-setup.ts before any test file runs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '../..');
export const OUTPOST_BIN = join(REPO_ROOT, 'dist/bin/outpost.js');

export function assertBuilt(): void {
  if (!existsSync(OUTPOST_BIN)) throw new Error(`${OUTPOST_BIN} is missing: run the tests through vitest (its global setup builds) or npm run build`);
}
