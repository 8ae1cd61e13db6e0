/**
 * `check-config`: validates each given file with its kind's validator and lists every problem. Shared by the full
 * `outpost check-config` (bin/check-config.ts: agent and collector files) and the lean agent entry
 * (agent/main.ts: agent files only, so the agent never loads the collector's config). Only CliIo is touched.
 */
import { resolve } from 'node:path';
import type { CliIo } from './cli.js';
import { ConfigError, type ConfigResult } from './config.js';

export type ConfigValidator = (file: string, env: CliIo['env']) => Promise<ConfigResult<unknown>>;

/** Validates `files[kind]` with `validators[kind]` for every kind given; code 1 if any file has problems, 2 if none given. */
export async function runCheckConfig<K extends string>(
  files: Partial<Record<K, string>>,
  validators: Record<K, ConfigValidator>,
  io: CliIo,
  result: { code: number },
): Promise<void> {
  const kinds = Object.keys(validators) as K[];
  const given = kinds.filter((kind) => files[kind] !== undefined);
  if (given.length === 0) {
    io.stderr.write(`outpost: check-config needs ${kinds.map((k) => `--${k} FILE`).join(' or ')}\n`);
    result.code = 2;
    return;
  }
  let failed = false;
  for (const kind of given) {
    const file = resolve(io.cwd, files[kind] as string);
    const checked = await validators[kind](file, io.env);
    if (checked.ok) {
      io.stdout.write(`${file}: ok (${kind} config)\n`);
    } else {
      io.stderr.write(`${new ConfigError(file, checked.problems).message}\n`);
      failed = true;
    }
  }
  result.code = failed ? 1 : 0;
}
