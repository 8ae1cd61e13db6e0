/** The README's check reference stays true: every check type has a section, and every YAML example parses with its plugin's schema. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../../../agent/checks/registry.js';
import type { CheckPlugin } from '../../../../agent/checks/types.js';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
// The "## Check reference" section, up to the next second-level heading.
const doc = readme.slice(readme.indexOf('## Check reference'), readme.indexOf('\n## ', readme.indexOf('## Check reference') + 3));
const COMMON = new Set(['type', 'name', 'interval', 'timeout', 'target', 'tags']);
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) => (parse(m[1] ?? '') as { checks: Array<Record<string, unknown>> }).checks);

describe('README check reference', () => {
  it.each(Object.keys(checkRegistry))('has a section and an example for %s', (type) => {
    expect(doc).toContain(`### \`${type}\``);
    expect(examples.some((e) => e.type === type)).toBe(true);
  });

  it.each(examples.map((e, i) => [i, e.type, e] as const))('example %i (%s) is valid', (_i, type, entry) => {
    const plugin = (checkRegistry as Record<string, CheckPlugin>)[String(type)];
    expect(plugin).toBeDefined();
    const own = Object.fromEntries(Object.entries(entry).filter(([k]) => !COMMON.has(k)));
    const result = plugin!.configSchema.safeParse(own);
    expect(result.error?.issues ?? []).toEqual([]);
  });
});
