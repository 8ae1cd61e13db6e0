/** CheckDeps for tests: a silent logger, the real clock unless one is given, a temp state dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../common/logger.js';
import type { CheckDeps } from '../../../../agent/checks/types.js';

export function testDeps(overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    logger: createLogger({ level: 'silent' }),
    now: Date.now,
    hostname: 'test-host',
    stateDir: mkdtempSync(join(tmpdir(), 'outpost-check-')),
    ...overrides,
  };
}

/** A signal that never aborts, for runs that must finish on their own. */
export const neverAbort = (): AbortSignal => new AbortController().signal;
