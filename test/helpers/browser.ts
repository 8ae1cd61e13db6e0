/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser): launch options, the skip reason when it
 * is missing, axe-core injected into a page, and where screenshots go (test artifacts, not committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} not installed (apt-get install chromium): browser tests skipped`;
  console.warn(reason);
  return reason;
}

export const launchOptions = () => ({
  executablePath: CHROMIUM,
  headless: true,
  args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
});

export function artifactsDir(name: string): string {
  const dir = join(process.env.OUTPOST_ARTIFACTS ?? join(import.meta.dirname, '..', 'artifacts'), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core in the page (the context must bypass CSP to inject it); serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
