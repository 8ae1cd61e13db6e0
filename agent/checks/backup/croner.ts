/**
 * croner, loaded on first use: the backup config schema validates cron patterns, and it is in the registry's
 * import graph, so a static import would load croner into every agent (BENCHMARKS.md "Agent footprint").
 * The CommonJS build is required synchronously because zod refinements are synchronous.
 */
import { createRequire } from 'node:module';
import type * as Croner from 'croner';

let loaded: typeof Croner | null = null;

export function croner(): typeof Croner {
  loaded ??= createRequire(import.meta.url)('croner') as typeof Croner;
  return loaded;
}
