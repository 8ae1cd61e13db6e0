/**
 * The agent is its own program: no module under agent/ imports the collector (its config graph, SQLite, express
 * ...). `outpost check-config` (bin/) validates both kinds of file; the agent's entry validates agent.yaml only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('agent/ imports', () => {
  it('nothing under agent/ imports collector/ or bin/ (static or dynamic)', () => {
    const offenders = sources(join(ROOT, 'agent')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)]
        .map((m) => m[1] as string)
        .filter((spec) => /(^|\/)(collector|bin)\//.test(spec))
        .map((spec) => `${relative(ROOT, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
